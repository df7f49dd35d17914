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
        eprintln!("gavel: error: {e:#}");
        std::process::exit(2);
    }
}
