/* SPDX-License-Identifier: MIT */
/* The ENTER/EXIT walker. Iterative, in caller storage: deep trees cannot
 * overflow the stack and a walk cannot fail. */
#include "node.h"

#define NOT_STARTED (-1)

void folio_iter_init(folio_iter *it, const folio_node *root)
{
    it->root_ = root;
    it->node_ = NULL;
    it->event_ = root != NULL ? NOT_STARTED : FOLIO_EVENT_DONE;
}

folio_event folio_iter_next(folio_iter *it)
{
    if (it->event_ == NOT_STARTED) {
        it->node_ = it->root_;
        it->event_ = FOLIO_EVENT_ENTER;
        return FOLIO_EVENT_ENTER;
    }
    const folio_node *cur = it->node_;
    if (it->event_ == FOLIO_EVENT_DONE || cur == NULL) {
        it->node_ = NULL;
        it->event_ = FOLIO_EVENT_DONE;
        return FOLIO_EVENT_DONE;
    }
    if (it->event_ == FOLIO_EVENT_ENTER &&
        !folio__node_type_is_leaf(cur->type)) {
        if (cur->first != NULL) {
            it->node_ = cur->first;
            it->event_ = FOLIO_EVENT_ENTER;
        } else {
            it->event_ = FOLIO_EVENT_EXIT;
        }
        return (folio_event)it->event_;
    }
    /* Leaving `cur`: an EXIT was returned, or it is a leaf. */
    if (cur == it->root_) {
        it->node_ = NULL;
        it->event_ = FOLIO_EVENT_DONE;
        return FOLIO_EVENT_DONE;
    }
    if (cur->next != NULL) {
        it->node_ = cur->next;
        it->event_ = FOLIO_EVENT_ENTER;
    } else {
        it->node_ = cur->parent;
        it->event_ = FOLIO_EVENT_EXIT;
    }
    return (folio_event)it->event_;
}

const folio_node *folio_iter_node(const folio_iter *it)
{
    return it->event_ == FOLIO_EVENT_DONE ? NULL : it->node_;
}
