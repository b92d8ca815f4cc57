//! A cancellation token shared by the caller of a long run (e.g. a Ctrl-C handler) and its workers.
//!
//! The library never installs signal handlers: the command line (or any other caller) creates a
//! [`Cancel`], hands a clone to the work, and calls [`Cancel::cancel`] when it wants the run to stop.
//! Long loops check [`Cancel::is_cancelled`] between units of work; a unit of work that was cut
//! short reports so and is not committed, so nothing is lost and nothing is wrongly marked done.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A cheap, cloneable cancellation flag (all clones share the flag).
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A token that is not cancelled.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks every holder of the token to stop; returns whether it had been asked before.
    pub fn cancel(&self) -> bool {
        self.0.swap(true, Ordering::SeqCst)
    }

    /// Whether the run should stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
