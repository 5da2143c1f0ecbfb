/* usb.h: finding the USB sticks plugged into this computer (their mount points). */
#ifndef STELE_USB_H
#define STELE_USB_H

#include <stddef.h>

/*
 * The mount points of removable drives: on Linux, the mount points at
 * /media/LABEL, /media/USER/LABEL and /run/media/USER/LABEL (where desktops mount
 * sticks). $STELE_USB_ROOTS (folders separated by ':') replaces /media and
 * /run/media, and then every folder directly inside one counts as a stick (tests
 * use a folder standing in for a stick). *out is a NULL-terminated array of
 * malloc'd paths, sorted, freed by the caller with stele_usb_free; none found is
 * an empty array, not an error.
 */
int stele_usb_list(char ***out, size_t *count);
void stele_usb_free(char **list);

#endif
