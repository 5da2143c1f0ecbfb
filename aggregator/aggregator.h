/* aggregator.h: the county tool's commands and the helpers they share. */
#ifndef STELE_AGGREGATOR_H
#define STELE_AGGREGATOR_H

#include "capture.h"
#include "cli.h"

/* One function per command, each in aggregator/cmd-NAME.c, listed in main.c. */

#endif
