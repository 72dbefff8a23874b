#include <stdio.h>
#include <histedit.h>

// el_set and history are variadic, which Swift cannot call: one fixed-argument wrapper for each use.

static inline int rollout_el_prompt(EditLine *el, char *(*prompt)(EditLine *)) {
    return el_set(el, EL_PROMPT, prompt);
}

// The right-hand prompt, plain: libedit's escaped (coloured) prompt text garbles the hint's first
// character when the hint changes.
static inline int rollout_el_rprompt(EditLine *el, char *(*prompt)(EditLine *)) {
    return el_set(el, EL_RPROMPT, prompt);
}

static inline int rollout_el_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }

static inline int rollout_el_signal(EditLine *el, int handle) { return el_set(el, EL_SIGNAL, handle); }

static inline int rollout_el_getc(EditLine *el, int (*getc)(EditLine *, wchar_t *)) {
    return el_set(el, EL_GETCFN, getc);
}

static inline int rollout_el_function(EditLine *el, const char *name, const char *help,
                                      unsigned char (*function)(EditLine *, int)) {
    return el_set(el, EL_ADDFN, name, help, function);
}

static inline int rollout_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, (const char *)NULL);
}

static inline int rollout_el_history(EditLine *el, History *history_) {
    return el_set(el, EL_HIST, history, history_);
}

static inline int rollout_history_size(History *h, int size) {
    HistEvent event;
    return history(h, &event, H_SETSIZE, size);
}

static inline int rollout_history_unique(History *h, int unique) {
    HistEvent event;
    return history(h, &event, H_SETUNIQUE, unique);
}

static inline int rollout_history_enter(History *h, const char *line) {
    HistEvent event;
    return history(h, &event, H_ENTER, line);
}

static inline int rollout_history_load(History *h, const char *path) {
    HistEvent event;
    return history(h, &event, H_LOAD, path);
}

static inline int rollout_history_save(History *h, const char *path) {
    HistEvent event;
    return history(h, &event, H_SAVE, path);
}

static inline int rollout_el_refresh(EditLine *el) { return el_set(el, EL_REFRESH); }
