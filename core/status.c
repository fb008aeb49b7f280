/* SPDX-License-Identifier: MIT */
/* Version string and status code phrases. */
#include "folio/folio.h"
#include "folio/version.h"

const char *folio_version(void)
{
    return FOLIO_VERSION;
}

const char *folio_status_str(int code)
{
    /* A switch over the enum makes -Wswitch flag a code added to error.h
     * but forgotten here. */
    switch ((folio_status)code) {
    case FOLIO_OK:
        return "success";
    case FOLIO_ENOMEM:
        return "out of memory";
    case FOLIO_EINVALID:
        return "invalid input or argument";
    case FOLIO_EUNSUPPORTED:
        return "unsupported input";
    case FOLIO_EIO:
        return "input/output error";
    case FOLIO_EABI:
        return "plugin does not fit this host";
    case FOLIO_EUSER:
        return "aborted by a callback";
    case FOLIO_ENOTFOUND:
        return "not found";
    case FOLIO_ELIMIT:
        return "limit exceeded";
    }
    return "unknown status";
}
