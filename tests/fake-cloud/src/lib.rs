//! fake-cloud: a runnable, stateful, in-memory emulator of the bundled vendor
//! APIs, built on the server stubs generated into `vendor-apis` (feature
//! `server`).
//!
//! The generated `router` does routing, authentication (including the
//! Huawei and SigV4 signature checks), input validation and the vendors'
//! error formats; this crate supplies the state behind it: credentials,
//! resources that a delete really removes, and forced answers ("faults",
//! see [`faults`]).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use fake_cloud::{State, Vendor};
//! let (addr, handle) = fake_cloud::spawn(State::default_for(Vendor::Vast)).await?;
//! // point a client at http://{addr} …
//! assert_eq!(handle.requests("detach_ssh"), 0);
//! # Ok(()) }
//! ```

pub mod faults;
pub mod serve;
pub mod state;

mod aws;
mod framing;
mod huawei;
mod phala;
mod vast;

use axum::Router;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use faults::{Faults, Typed};
pub use serve::Limits;
pub use state::{State, StateError, Vendor, World};

/// The emulator of one API: its router and a view on its live state.
pub struct Emulator {
    router: Router,
    /// The generated stub with this crate's state behind it, without the
    /// raw-fault middleware (see [`Emulator::stub`]).
    stub: Router,
    world: Box<dyn Fn() -> World + Send + Sync>,
    faults: Arc<Faults>,
}

impl Emulator {
    pub fn new(state: State) -> Emulator {
        let vendor = state.vendor();
        let faults = Arc::new(Faults::new(&state.faults));
        let (router, world): (Router, Box<dyn Fn() -> World + Send + Sync>) = match state.world {
            World::Phala(w) => {
                let w = Arc::new(Mutex::new(w));
                (phala::router(w.clone(), faults.clone()), Box::new(move || World::Phala(lock(&w).clone())))
            }
            World::Vast(w) => {
                let w = Arc::new(Mutex::new(w));
                (vast::router(w.clone(), faults.clone()), Box::new(move || World::Vast(lock(&w).clone())))
            }
            World::Huawei(w) => {
                let w = Arc::new(Mutex::new(w));
                (huawei::router(w.clone(), faults.clone()), Box::new(move || World::Huawei(lock(&w).clone())))
            }
            World::Aws(w) => {
                let w = Arc::new(Mutex::new(w));
                (aws::router(w.clone(), faults.clone()), Box::new(move || World::Aws(lock(&w).clone())))
            }
        };
        let stub = router.clone();
        let router = router.layer(axum::middleware::from_fn_with_state((vendor, faults.clone()), faults::raw_layer));
        Emulator { router, stub, world, faults }
    }

    /// The axum router: the generated stub behind the raw-fault middleware.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// The generated stub and the state alone: no raw faults, and requests
    /// are not counted (what the load benchmark measures as "stub").
    pub fn stub(&self) -> Router {
        self.stub.clone()
    }

    /// The current state: resources as they are now, faults not yet used up.
    pub fn state(&self) -> State {
        State { world: (self.world)(), faults: self.faults.remaining() }
    }

    /// How many requests reached `operation` (each retry counts).
    pub fn requests(&self, operation: &str) -> u64 {
        self.faults.requests(operation)
    }
}

/// Serves `emulator` on `listener`, within `limits`, until the task is
/// dropped or `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    emulator: &Emulator,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve::serve(listener, emulator.router(), limits, shutdown).await
}

/// A fake-cloud running in this process, stopped when dropped.
pub struct Handle {
    emulator: Arc<Emulator>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Handle {
    /// The current state (see [`Emulator::state`]).
    pub fn state(&self) -> State {
        self.emulator.state()
    }

    /// How many requests reached `operation` (each retry counts).
    pub fn requests(&self, operation: &str) -> u64 {
        self.emulator.requests(operation)
    }

    /// Stops serving and waits for the server task.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match (&mut self.task).await {
            Ok(result) => result,
            Err(e) => Err(std::io::Error::other(e)),
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts fake-cloud for `state` on 127.0.0.1 with a free port.
pub async fn spawn(state: State) -> std::io::Result<(SocketAddr, Handle)> {
    spawn_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), state).await
}

/// Starts fake-cloud for `state` on `addr` (port 0: any free port).
pub async fn spawn_on(addr: SocketAddr, state: State) -> std::io::Result<(SocketAddr, Handle)> {
    spawn_with(addr, state, Limits::default()).await
}

/// Starts fake-cloud for `state` on `addr` with its own `limits`.
pub async fn spawn_with(addr: SocketAddr, state: State, limits: Limits) -> std::io::Result<(SocketAddr, Handle)> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let emulator = Arc::new(Emulator::new(state));
    let (stop, stopped) = oneshot::channel::<()>();
    let served = emulator.clone();
    let task = tokio::spawn(async move {
        serve(listener, &served, limits, async move {
            let _ = stopped.await;
        })
        .await
    });
    Ok((addr, Handle { emulator, stop: Some(stop), task }))
}

/// Checks that a typed fault is a documented response of `operation`.
pub(crate) fn check_typed(vendor: Vendor, operation: &str, fault: &Typed) -> Result<(), String> {
    match vendor {
        Vendor::Phala => phala::check(operation, fault),
        Vendor::Vast => vast::check(operation, fault),
        Vendor::Huawei => huawei::check(operation, fault),
        Vendor::Aws => aws::check(operation, fault),
    }
}

/// Takes the operation's next typed fault, built as its documented response.
pub(crate) fn injected<R>(
    faults: &Faults,
    operation: &str,
    documented: impl FnOnce(u16, Option<&str>, Option<serde_json::Value>) -> Result<R, String>,
) -> Option<R> {
    let fault = faults.take_typed(operation)?;
    match documented(fault.status, fault.code.as_deref(), fault.body) {
        Ok(response) => Some(response),
        // Checked when the state loaded, so this does not happen; if it did, answer normally.
        Err(e) => {
            eprintln!("fake-cloud: typed fault for {operation} skipped: {e}");
            None
        }
    }
}

/// The entry whose secret is `presented`: every entry is compared, each in
/// constant time, so response times tell neither which key nor how much of
/// a guess matched.
pub(crate) fn find_secret<'a, T>(entries: &'a [T], presented: &str, secret: impl Fn(&T) -> &str) -> Option<&'a T> {
    let mut found = None;
    for entry in entries {
        if vendor_apis::runtime::server::constant_time_eq(secret(entry).as_bytes(), presented.as_bytes()) {
            found = found.or(Some(entry));
        }
    }
    found
}

/// Locks the state; a panic elsewhere while it was held leaves it usable.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
