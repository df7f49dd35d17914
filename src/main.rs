//! The `gavel` binary: parse the command line, run it, print errors with their causes and
//! exit 2 on failure. A closed output pipe (`gavel score … | head`) is not an error.

mod cli;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    if let Err(e) = cli::run(cli) {
        let broken_pipe = e.chain().any(|c| {
            c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        });
        if broken_pipe {
            std::process::exit(0);
        }
        eprintln!("gavel: error: {}", message(&e));
        std::process::exit(2);
    }
}

/// The error and its causes, `a: b: c`, leaving out a cause whose text its parent already
/// shows (the library's I/O errors print their cause themselves).
fn message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}
