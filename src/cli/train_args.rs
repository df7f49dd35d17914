//! The training settings shared by `train` and `cv` (text, features, solver, augmentation),
//! and their conversion into a [`TrainConfig`].

use super::args::{fraction, int_in, real};
use crate::features::FeatureConfig;
use crate::model::augment::Augment;
use crate::model::nb::NbFit;
use crate::model::sources::{SourceFit, DEFAULT_POWER};
use crate::model::{ClassWeight, SolverConfig, TargetSharing, TrainConfig, TrainParams};
use crate::text::TextConfig;
use anyhow::{bail, Context, Result};
use clap::Args;

/// Class weights of training.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ClassWeightArg {
    None,
    Balanced,
}

/// How per-target heads are fitted.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum TargetsArg {
    /// jointly: each feature has a copy shared by all targets and one per target
    Shared,
    /// each target on its rows alone
    Separate,
    /// a general stance model: as shared, with mentions of the target marked, and a head
    /// for targets it was not trained on (rarer targets train only that head)
    General,
}

/// A clap parser of a finite number in [`crate::model::C_RANGE`].
fn c_value(s: &str) -> std::result::Result<f64, String> {
    let (lo, hi) = crate::model::C_RANGE;
    real(
        s,
        |v| (lo..=hi).contains(&v),
        &format!("from {lo:e} to {hi:e}"),
    )
}

/// A clap parser of a tolerance: a finite number in (0, 1).
fn tolerance(s: &str) -> std::result::Result<f64, String> {
    real(s, |v| v > 0.0 && v < 1.0, "between 0 and 1")
}

fn parse_range(s: &str) -> Result<(usize, usize)> {
    let parts: Vec<&str> = s.split(',').collect();
    let n = |x: &str| {
        x.trim()
            .parse::<usize>()
            .with_context(|| format!("'{s}' is not MIN,MAX"))
    };
    match parts.as_slice() {
        [a] => Ok((n(a)?, n(a)?)),
        [a, b] => Ok((n(a)?, n(b)?)),
        _ => bail!("'{s}' is not MIN,MAX"),
    }
}

/// C when --c is not given.
pub const DEFAULT_C: f64 = 4.0;

/// Text, feature and solver settings of training.
#[derive(Args, Debug, Clone)]
pub struct TrainArgs {
    /// Inverse regularisation strength C (larger: fits the training data more closely);
    /// default 4, and with --init 16 times the model's
    #[arg(long = "c", value_parser = c_value)]
    pub c: Option<f64>,
    /// Class weights
    #[arg(long, value_enum, default_value_t = ClassWeightArg::Balanced)]
    pub class_weight: ClassWeightArg,
    /// Per-target heads (with --target)
    #[arg(long, value_enum, default_value_t = TargetsArg::Shared)]
    pub targets: TargetsArg,
    /// With --targets shared or general: the targets of each value of this column (a source
    /// such as SemEval or P-Stance) get a joint fit of their own, instead of all targets one;
    /// a general model's head for other targets still learns from every row
    #[arg(long, value_name = "COLUMN")]
    pub joint_by: Option<String>,
    /// With --joint-by: the C of some parts' joint fits (comma-separated PART=C, PART a value
    /// of the --joint-by column), in place of --c; a general model's head for other targets
    /// keeps --c
    #[arg(
        long,
        value_name = "PART=C",
        requires = "joint_by",
        value_delimiter = ','
    )]
    pub joint_c: Vec<String>,
    /// The column naming each row's source (a labelled set, a site): each source with rows
    /// of more than one class gets an intercept of its own in the fit, which scoring leaves
    /// out, so the weights learn what tells the classes apart within a source rather than
    /// which source a comment came from; and rows are weighted by their (source, class)'s
    /// size to the power -(--source-power), so small sources are heard. Not with --target
    #[arg(long, value_name = "COLUMN")]
    pub sources: Option<String>,
    /// With --sources: a row weighs n^-POWER, n the rows of its (source, class); 0 weighs
    /// every row alike, 1 every (source, class) alike
    #[arg(long, value_name = "POWER", requires = "sources")]
    pub source_power: Option<f64>,
    /// With --sources and --labels: fit by source only these label columns' heads
    /// (comma-separated); the others are fitted as without --sources
    #[arg(
        long,
        value_name = "HEADS",
        requires = "sources",
        value_delimiter = ','
    )]
    pub source_heads: Option<Vec<String>>,
    /// Scale each feature column for the fit by |r|^POWER, r its log-count ratio between
    /// the classes (NBSVM's prior: columns that tell the classes apart on their own are
    /// cheap to use, the rest dear); the saved weights score as any model's
    #[arg(long, value_name = "POWER")]
    pub nb_power: Option<f64>,
    /// With --nb-power and --labels: scale only these label columns' heads (comma-separated),
    /// each at --nb-power or at its own (HEAD=POWER); the others are fitted on the plain columns
    #[arg(
        long,
        value_name = "HEADS",
        requires = "nb_power",
        value_delimiter = ','
    )]
    pub nb_heads: Option<Vec<String>>,
    /// With --targets general: the targets with heads of their own read the comments as
    /// written; only the general head (targets never trained on) reads the target marks
    #[arg(long)]
    pub plain_own_heads: bool,
    /// Positive class of a two-class label column (default: the second in sorted order)
    #[arg(long)]
    pub positive: Option<String>,
    /// log2 of the number of hash buckets
    #[arg(long, default_value_t = 20)]
    pub bits: u32,
    /// Word n-gram sizes MIN,MAX (0,0 turns them off)
    #[arg(long, default_value = "1,2")]
    pub word_ngrams: String,
    /// Char n-gram sizes MIN,MAX inside word boundaries (0,0 turns them off)
    #[arg(long, default_value = "2,5")]
    pub char_ngrams: String,
    /// Stemming language (english, french, …, or none)
    #[arg(long, default_value = "english")]
    pub lang: String,
    /// Keep only n-gram buckets seen in at least this many training rows
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub min_df: u32,
    /// Use raw term counts instead of 1 + ln(count)
    #[arg(long)]
    pub no_sublinear_tf: bool,
    /// Keep letters repeated 3+ times as they are (default squashes "soooo" to "soo")
    #[arg(long)]
    pub no_squash: bool,
    /// Leave obfuscation as written (default undoes look-alikes, accents, and leetspeak,
    /// masks, split and repeated letters that spell a word of the abuse lexicon)
    #[arg(long)]
    pub no_deobfuscate: bool,
    /// Leave Arabic-script and Devanagari spellings as written (default folds keyboard
    /// letter variants, vowel marks, nukta and native digits)
    #[arg(long)]
    pub no_script_fold: bool,
    /// Stem every comment, Roman Urdu/Hindi ones too (default: comments in Roman Urdu/Hindi
    /// are not stemmed, and their words get a spelling key that joins "nahi/nahin/nai")
    #[arg(long)]
    pub stem_all: bool,
    /// Give each word of 4+ letters a key of its first letter, sorted inner letters and last
    /// letter, so that swapped letters ("stpuid") meet the word
    #[arg(long)]
    pub scramble_key: bool,
    /// Give each word of 4+ letters a sound key (consonant skeleton after ph→f, ck→k, …), so
    /// that vowel typos, doubled letters and sound-alike spellings meet the word
    #[arg(long)]
    pub sound_key: bool,
    /// Correct each word the training comments did not use into the most frequent training
    /// word one typo away (a letter dropped, added, replaced, or two swapped), else into the
    /// most frequent one that sounds the same (`fone`, `stoopid`), and a word they used into
    /// one a typo away used 200 times as often (`fuk`), before n-grams; the model keeps the
    /// training words (learnt from the rows as written: with --augment, not from the typo'd
    /// copies, which it reads corrected)
    #[arg(long)]
    pub spell: bool,
    /// Train on N typo'd copies of every row beside it (rows of every class alike; each copy
    /// gives a share of its words of 4+ letters one random typo)
    #[arg(long, default_value_t = 0, value_parser = int_in::<0, 10>, value_name = "N")]
    pub augment: usize,
    /// The share of a copy's words of 4+ letters given a typo
    #[arg(long, default_value_t = 0.5, value_parser = fraction)]
    pub augment_rate: f64,
    /// Seed of the typos
    #[arg(long, default_value_t = 1)]
    pub augment_seed: u64,
    /// Most Newton iterations per head
    #[arg(long, default_value_t = 100, value_parser = int_in::<1, 100_000>)]
    pub max_iter: usize,
    /// Relative gradient tolerance of the solver
    #[arg(long, default_value_t = 2e-2, value_parser = tolerance)]
    pub tol: f64,
    /// Calibrate every head (Platt scaling; temperature for multiclass heads) on out-of-fold
    /// scores from this many folds; 0 leaves the scores uncalibrated
    #[arg(long, default_value_t = 3, value_parser = int_in::<0, 100>)]
    pub calibration_folds: usize,
    /// Name this many feature columns (those of the largest weights) in the model by their
    /// most frequent training n-grams, for explanations and inspect; 0: none
    #[arg(long, default_value_t = 20_000, value_parser = int_in::<0, 10_000_000>)]
    pub vocab: usize,
}

/// The entries of a comma-separated flag that are `NAME` or `NAME=NUMBER`
/// (`--nb-heads abusive=0.25,hate`).
fn named_numbers(flag: &str, entries: &[String]) -> Result<Vec<(String, Option<f64>)>> {
    entries
        .iter()
        .map(|e| match e.split_once('=') {
            None => Ok((e.clone(), None)),
            Some((name, v)) => match v.trim().parse() {
                Ok(x) => Ok((name.to_string(), Some(x))),
                Err(_) => bail!("{flag} {e}: '{v}' is not a number (NAME or NAME=NUMBER)"),
            },
        })
        .collect()
}

impl TrainArgs {
    /// `--nb-power` with `--nb-heads`: the heads named, and those given a power of their own.
    fn nb_fit(&self, power: f64) -> Result<NbFit> {
        let heads = match &self.nb_heads {
            Some(h) => Some(named_numbers("--nb-heads", h)?),
            None => None,
        };
        Ok(NbFit {
            power,
            powers: heads
                .iter()
                .flatten()
                .filter_map(|(h, p)| p.map(|p| (h.clone(), p)))
                .collect(),
            heads: heads.map(|h| h.into_iter().map(|(h, _)| h).collect()),
        })
    }

    /// The `--joint-by` column, refused where it would change nothing: without a target
    /// column, or with targets fitted separately.
    pub fn joint_column(&self, target: &Option<String>) -> anyhow::Result<Option<String>> {
        match (&self.joint_by, target, self.targets) {
            (None, _, _) => Ok(None),
            (Some(_), None, _) => anyhow::bail!("--joint-by groups the targets: it needs --target"),
            (Some(_), _, TargetsArg::Separate) => anyhow::bail!(
                "--joint-by groups the targets' joint fits, and --targets separate fits none"
            ),
            (Some(c), Some(_), _) => Ok(Some(c.clone())),
        }
    }

    pub fn config(&self) -> Result<TrainConfig> {
        let class_weight = match self.class_weight {
            ClassWeightArg::None => ClassWeight::None,
            ClassWeightArg::Balanced => ClassWeight::Balanced,
        };
        let targets = match self.targets {
            TargetsArg::Shared => TargetSharing::Shared,
            TargetsArg::General => TargetSharing::General,
            TargetsArg::Separate => TargetSharing::Separate,
        };
        let cfg = TrainConfig {
            text: TextConfig {
                language: self.lang.clone(),
                word_ngrams: parse_range(&self.word_ngrams)?,
                char_ngrams: parse_range(&self.char_ngrams)?,
                squash_elongations: !self.no_squash,
                deobfuscate: !self.no_deobfuscate,
                script_fold: !self.no_script_fold,
                roman_urdu: !self.stem_all,
                scramble_key: self.scramble_key,
                sound_key: self.sound_key,
                spell: self.spell,
                spell_revision: if self.spell {
                    crate::text::config::SPELL_REVISION
                } else {
                    0
                },
            },
            features: FeatureConfig {
                bits: self.bits,
                sublinear_tf: !self.no_sublinear_tf,
                min_df: self.min_df,
            },
            params: TrainParams {
                c: self.c.unwrap_or(DEFAULT_C),
                class_weight,
                solver: SolverConfig {
                    tol: self.tol,
                    max_iter: self.max_iter,
                },
                targets,
                sources: self.sources.as_ref().map(|_| SourceFit {
                    power: self.source_power.unwrap_or(DEFAULT_POWER),
                    heads: self.source_heads.clone(),
                }),
                nb: self.nb_power.map(|power| self.nb_fit(power)).transpose()?,
                part_c: named_numbers("--joint-c", &self.joint_c)?
                    .into_iter()
                    .map(|(part, c)| match c {
                        Some(c) => Ok((part, c)),
                        None => bail!("--joint-c {part}: expected PART=C, C a number"),
                    })
                    .collect::<Result<_>>()?,
            },
            positive: self.positive.clone(),
            calibration_folds: match self.calibration_folds {
                1 => bail!("--calibration-folds 1 cannot hold rows out: use 0 (off) or 2 or more"),
                n => n,
            },
            vocab_columns: self.vocab,
            augment: Augment {
                copies: self.augment,
                rate: self.augment_rate,
                seed: self.augment_seed,
            },
            plain_own_heads: self.plain_own_heads,
        };
        if self.plain_own_heads && !matches!(self.targets, TargetsArg::General) {
            bail!("--plain-own-heads is for a general stance model: add --targets general");
        }
        cfg.params.check()?;
        cfg.text.check()?;
        cfg.features.check()?;
        cfg.augment.check()?;
        Ok(cfg)
    }
}
