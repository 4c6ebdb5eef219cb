//! `fake-cloud --api phala|vast|huawei|aws [--listen ADDR] [--state FILE]`
//!
//! Serves the emulated API until interrupted. Prints
//! `fake-cloud <api> listening on http://ADDR` once the socket is bound.
//! Exit status: 0 after Ctrl-C or SIGTERM, 1 for a bad state file or an address that
//! cannot be bound, 2 for a usage error.

use clap::Parser;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use fake_cloud::{Emulator, State, Vendor};

#[derive(Parser, Debug)]
#[command(name = "fake-cloud", version, about = "A stateful, in-memory emulator of the bundled vendor APIs")]
struct Args {
    /// The API to emulate.
    #[arg(long, value_enum)]
    api: Vendor,
    /// Address to listen on (port 0: any free port; the chosen one is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// A JSON state document replacing the default state (format: README, "fake-cloud").
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Print the state document (the default one, or FILE once checked) and exit.
    #[arg(long)]
    print_state: bool,
    /// Seconds a client has to send a request's head (else the connection is closed).
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    header_timeout: u64,
    /// Seconds a client has to send a request's body (else 408 in the API's format).
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    body_timeout: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let state = match &args.state {
        Some(path) => match State::load(args.api, path) {
            Ok(state) => state,
            Err(e) => {
                eprintln!("fake-cloud: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => State::default_for(args.api),
    };
    if args.print_state {
        println!("{}", serde_json::to_string_pretty(&state.to_json()).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("fake-cloud: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let limits = fake_cloud::Limits {
        header_read_timeout: std::time::Duration::from_secs(args.header_timeout),
        body_timeout: std::time::Duration::from_secs(args.body_timeout),
        ..fake_cloud::Limits::default()
    };
    match runtime.block_on(run(args.api, args.listen, state, limits)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fake-cloud: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(api: Vendor, listen: SocketAddr, state: State, limits: fake_cloud::Limits) -> Result<(), String> {
    let listener =
        tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| format!("cannot read the bound address: {e}"))?;
    let emulator = Emulator::new(state);
    println!("fake-cloud {api} listening on http://{addr}");
    let _ = std::io::stdout().flush();
    fake_cloud::serve(listener, &emulator, limits, stop_signal()).await.map_err(|e| format!("serving on {addr}: {e}"))
}

/// Ctrl-C (SIGINT), or SIGTERM where there is one: finish open requests, then exit 0.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
