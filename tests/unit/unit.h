/* unit.h: what every cmocka unit test includes. Run under prove with
 * CMOCKA_MESSAGE_OUTPUT=TAP (the Makefile sets it). */
#ifndef STELE_UNIT_H
#define STELE_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#endif
