//! The progress display of `apigen generate`: a spinner while specs are
//! read and while rustfmt runs, a bar while operations are emitted. Drawn
//! on stderr only when it is a terminal (indicatif hides it otherwise), and
//! only for specs large enough to make a user wait.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// Fewer operations than this are emitted before a bar could be seen.
const BAR_FROM: usize = 200;

pub struct Bar(Option<ProgressBar>);

impl Bar {
    pub fn new(quiet: bool) -> Self {
        let target = ProgressDrawTarget::stderr();
        Bar((!quiet && !target.is_hidden()).then(|| ProgressBar::with_draw_target(None, target)))
    }

    pub fn spin(&self, what: &str) {
        let Some(bar) = &self.0 else { return };
        // Style first: a redraw between these calls shows the new one.
        let style = ProgressStyle::with_template("{spinner} {msg} {elapsed}");
        bar.set_style(style.unwrap_or(ProgressStyle::default_spinner()));
        bar.set_message(what.to_string());
        bar.unset_length();
        bar.reset();
        bar.enable_steady_tick(Duration::from_millis(100));
    }

    /// A bar over `total` steps, for large totals.
    pub fn start(&self, total: usize, what: &str) {
        let Some(bar) = &self.0 else { return };
        if total < BAR_FROM {
            bar.finish_and_clear();
            return;
        }
        bar.disable_steady_tick();
        let style = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} types and operations");
        bar.set_style(style.unwrap_or(ProgressStyle::default_bar()).progress_chars("=> "));
        bar.set_length(total as u64);
        bar.set_message(what.to_string());
        bar.reset();
    }

    pub fn step(&self, step: apigen::emit::Step<'_>) {
        let Some(bar) = &self.0 else { return };
        match step {
            apigen::emit::Step::Item => bar.inc(1),
            apigen::emit::Step::File(path) => bar.set_message(path.to_string()),
            apigen::emit::Step::Start(total) => self.start(total, "emitting"),
            apigen::emit::Step::Formatting => self.spin("formatting"),
        }
    }

    pub fn clear(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
