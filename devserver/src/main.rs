//! `devserver`: see the crate docs and `--help`.

use devserver::config::{Config, USAGE};
use devserver::server::{self, App};
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return;
    }
    let cfg = match Config::from_args(args, std::env::var("PORT").ok()) {
        Ok(cfg) => cfg,
        Err(e) => {
            eprintln!("devserver: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    if cfg.exit_on_stdin_close {
        // A killed harness closes our stdin: never outlive it.
        std::thread::spawn(|| {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            eprintln!("devserver: stdin closed, exiting");
            std::process::exit(0);
        });
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(run(cfg));
}

async fn run(cfg: Config) {
    let listener = match server::bind(&cfg).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("devserver: cannot listen on {}:{}: {e}", cfg.host, cfg.port);
            std::process::exit(1);
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(cfg.port);
    println!("devserver listening on http://{}:{port}", cfg.host);
    let _ = std::io::stdout().flush();
    for m in &cfg.mounts {
        eprintln!("devserver: serving {} from {}", m.prefix, m.dir.display());
    }
    let app = App::new(cfg);
    tokio::select! {
        _ = server::serve(listener, app) => {}
        _ = shutdown_signal() => eprintln!("devserver: signal received, exiting"),
    }
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = int.recv() => {}
        _ = term.recv() => {}
    }
}
