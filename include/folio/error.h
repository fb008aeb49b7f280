/* SPDX-License-Identifier: MIT */
/**
 * @file folio/error.h
 * Status codes shared by libfolio and plugins.
 *
 * Every folio function that can fail returns an `int`: FOLIO_OK (0) on
 * success or one of the negative folio_status values below. The human
 * readable message that goes with a failure lives on the folio_job (see
 * folio_job_message() and folio_host.error), never in a global.
 */
#ifndef FOLIO_ERROR_H
#define FOLIO_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/** Status codes. Values are part of the ABI and never change. */
typedef enum folio_status {
    FOLIO_OK = 0,           /**< success */
    FOLIO_ENOMEM = -1,      /**< an allocation failed */
    FOLIO_EINVALID = -2,    /**< bad input, bad argument or refused edit */
    FOLIO_EUNSUPPORTED = -3, /**< valid input that folio cannot handle */
    FOLIO_EIO = -4,         /**< reading or writing failed */
    FOLIO_EABI = -5,        /**< a plugin does not fit this host */
    FOLIO_EUSER = -6,       /**< a callback (e.g. a write sink) aborted */
    FOLIO_ENOTFOUND = -7,   /**< no such plugin, file, option or content */
    FOLIO_ELIMIT = -8       /**< input exceeds a configured limit */
} folio_status;

#ifdef __cplusplus
}
#endif

#endif /* FOLIO_ERROR_H */
