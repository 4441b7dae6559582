//! Two independent pieces of work side by side, and freeing aside.

use std::sync::{Mutex, PoisonError};

/// Runs `beside` on a second thread while `main` runs on this one, and
/// returns both results. Both run here, one after the other, when
/// `parallel` is false (a small input: a thread costs more than it saves)
/// or when no thread can be started. A panic in either is resumed here.
pub fn side_by_side<M, B: Send>(
    parallel: bool,
    main: impl FnOnce() -> M,
    beside: impl FnOnce() -> B + Send,
) -> (M, B) {
    if !parallel {
        return (main(), beside());
    }
    // Held here until the thread takes it, so that it can still run here if
    // the thread cannot be started.
    let work = Mutex::new(Some(beside));
    let take = || work.lock().unwrap_or_else(PoisonError::into_inner).take();
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new().spawn_scoped(scope, || take().map(|work| work()));
        let main = main();
        let beside = match thread {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => take().map(|work| work()),
        };
        // Exactly one of the two took the work: the thread if it started.
        (
            main,
            beside.expect("the work beside ran on one of the threads"),
        )
    })
}

/// Frees `value` on a thread of its own: freeing a large tree or model
/// takes tens of milliseconds that nobody needs to wait for (a process that
/// exits meanwhile does not wait for it either). Freed here when no thread
/// can be started.
pub fn drop_beside<T: Send + 'static>(value: T) {
    // A thread that cannot be started drops its closure, and the value
    // with it, here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::side_by_side;

    #[test]
    fn both_results_come_back_in_order_either_way() {
        for parallel in [false, true] {
            let (main, beside) = side_by_side(parallel, || "main", || 42);
            assert_eq!((main, beside), ("main", 42));
        }
    }
}
