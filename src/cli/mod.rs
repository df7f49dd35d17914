//! The command line: one file per subcommand, each turning arguments into library configs
//! and calling the library.

pub mod args;
pub mod attack;
pub mod cv;
pub mod eval;
pub mod explain;
pub mod extract;
pub mod feedback;
pub mod inspect;
pub mod queue;
pub mod score;
pub mod serve;
pub mod split;
pub mod suggest;
pub mod train;
pub mod train_args;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

/// gavel: score reader comments for abuse and stance, offline, and say why.
#[derive(Parser, Debug)]
#[command(name = "gavel", version, about)]
pub struct Cli {
    /// Print nothing but errors on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More detail on stderr
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub cmd: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train a model from a labelled CSV/TSV/JSONL file
    Train(train::Cmd),
    /// Score comments: every input row out, with one probability column per label
    Score(score::Cmd),
    /// Evaluate a model on a labelled file: metrics, confusion, thresholds
    Eval(eval::Cmd),
    /// K-fold cross-validation of a training configuration
    Cv(cv::Cmd),
    /// Seeded, stratified train/test split of a data file
    Split(split::Cmd),
    /// The unlabelled comments most worth a moderator's label (for `train --init`)
    Suggest(suggest::Cmd),
    /// Obfuscate a labelled set's abusive comments, family by family, and compare with clean
    Attack(attack::Cmd),
    /// Explain one comment's scores: each n-gram column's exact contribution
    Explain(explain::Cmd),
    /// Show what a model holds: config, labels, training record, strongest n-grams
    Inspect(inspect::Cmd),
    /// Pull the comments out of news pages saved as text, as CSV for `gavel score`
    Extract(extract::Cmd),
    /// Serve the models over HTTP: a drop-in for the Perspective API, and gavel's own routes
    Serve(serve::Cmd),
    /// Moderators' decisions kept by `gavel serve --db`
    Feedback(feedback::Cmd),
    /// The review queue of `gavel serve --ui`: add comments from a scored file
    Queue(queue::Cmd),
}

/// A quality floor (`eval --bias --max-fpr`, `attack --max-drop`) that the model failed:
/// the run itself worked, so `main` exits 1, not 2.
#[derive(Debug)]
pub struct FloorFailed(pub String);

impl std::fmt::Display for FloorFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FloorFailed {}

/// Messages for people, on stderr.
pub struct Ui {
    pub quiet: bool,
    pub verbose: u8,
}

impl Ui {
    /// Whether progress bars are drawn: on a terminal, unless `--quiet` (pipes, files and CI
    /// logs get none).
    fn live(&self) -> bool {
        use std::io::IsTerminal;
        !self.quiet && std::io::stderr().is_terminal()
    }

    /// `bar` drawn with `template`, or a hidden bar when nothing is drawn.
    fn styled(&self, bar: ProgressBar, template: &str) -> ProgressBar {
        if !self.live() {
            return ProgressBar::hidden();
        }
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.with_style(style)
    }

    /// A bar over `len` steps of `unit`, with rate and ETA.
    pub fn bar(&self, len: u64, unit: &str) -> ProgressBar {
        let template = format!(
            "{{spinner}} [{{bar:30}}] {{pos}}/{{len}} {unit} ({{per_sec}}, ETA {{eta}}) {{msg}}"
        );
        self.styled(ProgressBar::new(len), &template)
    }

    /// A bar over `len` bytes of input, with throughput and ETA.
    pub fn bytes_bar(&self, len: u64) -> ProgressBar {
        let template =
            "{spinner} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, ETA {eta}) {msg}";
        self.styled(ProgressBar::new(len), template)
    }

    /// A spinner with elapsed time, for steps of unknown length.
    pub fn spinner(&self, msg: &str) -> ProgressBar {
        let pb = self.styled(ProgressBar::new_spinner(), "{spinner} {msg} ({elapsed})");
        pb.set_message(msg.to_string());
        if !pb.is_hidden() {
            pb.enable_steady_tick(std::time::Duration::from_millis(120));
        }
        pb
    }

    pub fn info(&self, msg: &str) {
        if !self.quiet {
            say(&format!("gavel: {msg}"));
        }
    }
    /// Shown with `-v`.
    pub fn detail(&self, msg: &str) {
        if !self.quiet && self.verbose > 0 {
            say(&format!("gavel: {msg}"));
        }
    }
    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            say(&format!("gavel: warning: {msg}"));
        }
    }
}

/// Writes a line to stderr; a closed or broken stderr is ignored (`eprintln!` would panic),
/// since the messages are for people and the data went to stdout.
pub fn say(line: &str) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let ui = Ui {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match &cli.cmd {
        Command::Train(c) => train::run(c, &ui),
        Command::Score(c) => score::run(c, &ui),
        Command::Eval(c) => eval::run(c, &ui),
        Command::Cv(c) => cv::run(c, &ui),
        Command::Suggest(c) => suggest::run(c, &ui),
        Command::Split(c) => split::run(c, &ui),
        Command::Attack(c) => attack::run(c, &ui),
        Command::Explain(c) => explain::run(c),
        Command::Inspect(c) => inspect::run(c),
        Command::Extract(c) => extract::run(c, &ui),
        Command::Serve(c) => serve::run(c, &ui),
        Command::Feedback(c) => feedback::run(c, &ui),
        Command::Queue(c) => queue::run(c, &ui),
    }
}
