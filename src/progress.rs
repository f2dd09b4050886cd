//! Progress on a terminal: while a phase runs (see [`crate::timings::phase`]) and the run has
//! taken more than [`SHOW_AFTER`], a spinner on standard error names it (`stowage: lower
//! (2s)`); it is cleared when no phase runs, so nothing printed between phases (diagnostics, a
//! summary) is mixed with it. The binary enables it when standard error is a terminal, `-q` is
//! not given and diagnostics are for a person.

use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a run goes on before its progress is shown.
pub const SHOW_AFTER: Duration = Duration::from_millis(300);

struct State {
    since: Instant,
    /// Phases running now (emitters run in parallel), and the latest one's name.
    running: usize,
    name: String,
    bar: Option<ProgressBar>,
}

static STATE: Mutex<Option<State>> = Mutex::new(None);

fn state() -> std::sync::MutexGuard<'static, Option<State>> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Show progress from now on (once; a watcher thread shows a phase that outlasts
/// [`SHOW_AFTER`]).
pub fn enable() {
    let mut s = state();
    if s.is_some() {
        return;
    }
    *s = Some(State {
        since: Instant::now(),
        running: 0,
        name: String::new(),
        bar: None,
    });
    std::thread::spawn(|| {
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let mut s = state();
            let Some(st) = s.as_mut() else { return };
            if st.running > 0 && st.bar.is_none() && st.since.elapsed() >= SHOW_AFTER {
                st.bar = Some(spinner(&st.name));
            }
        }
    });
}

fn spinner(name: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} stowage: {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(name.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A phase starts.
pub fn begin(name: &str) {
    if let Some(st) = state().as_mut() {
        st.running += 1;
        st.name = name.to_string();
        if let Some(bar) = &st.bar {
            bar.set_message(name.to_string());
        }
    }
}

/// A phase ends: the spinner goes when no other phase runs.
pub fn end() {
    if let Some(st) = state().as_mut() {
        st.running = st.running.saturating_sub(1);
        if st.running == 0
            && let Some(bar) = st.bar.take()
        {
            bar.finish_and_clear();
        }
    }
}

/// Whether a spinner is shown now.
pub fn shown() -> bool {
    state().as_ref().is_some_and(|s| s.bar.is_some())
}
