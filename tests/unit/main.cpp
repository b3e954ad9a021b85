// The one doctest main for all unit tests (tests/unit/unit-*.cpp).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
