//! The `gavel` binary: parse the command line, run it, print errors with their causes and
//! exit 2 on failure, 1 when a quality floor (`--max-fpr`, `--max-drop`) is not met. A
//! closed output pipe (`gavel score … | head`) is not an error. SIGINT, SIGTERM and SIGHUP
//! remove the temporary files of unfinished output before the process ends (`serve` handles
//! its own signals).

use clap::Parser;
use gavel::cli;

fn main() {
    let cli = cli::Cli::parse();
    // the service handles its own signals: SIGHUP reloads, SIGTERM drains
    if !matches!(cli.cmd, cli::Command::Serve(_)) {
        remove_temporary_files_on_signals();
    }
    if let Err(e) = cli::run(cli) {
        let broken_pipe = e.chain().any(|c| {
            c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        });
        if broken_pipe {
            std::process::exit(0);
        }
        if let Some(f) = e.downcast_ref::<cli::FloorFailed>() {
            cli::say(&format!("gavel: {f}"));
            std::process::exit(1);
        }
        cli::say(&format!("gavel: error: {e:#}"));
        std::process::exit(2);
    }
}

/// On SIGINT, SIGTERM or SIGHUP: delete unfinished output files, then end as the signal
/// would have (status 128 + signal).
fn remove_temporary_files_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            gavel::io::output::remove_pending();
            let _ = signal_hook::low_level::emulate_default_handler(sig);
            std::process::exit(128 + sig);
        }
    });
}
