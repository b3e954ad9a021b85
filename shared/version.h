// atelier/version.h
#pragma once
#define ATELIER_VERSION "0.1.0"
