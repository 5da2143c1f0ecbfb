/* desktop.h: what the workbench asks of the desktop: opening a URL in the browser. */
#ifndef STELE_DESKTOP_H
#define STELE_DESKTOP_H

/*
 * Opens url in the desktop's browser without waiting for it: xdg-open on Linux
 * (`start` on Windows, later). $STELE_BROWSER names another program to run with
 * the URL as its one argument (tests use it). STELE_EFAIL if the program cannot
 * be started; the browser's own failures are not seen.
 */
int stele_open_url(const char *url);

#endif
