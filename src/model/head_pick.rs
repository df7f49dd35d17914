//! Which heads of a multi-label model a training option applies to (`--source-heads`,
//! `--nb-heads`): label columns of `--labels` by name, or every head.

use super::spec::LabelSpec;
use crate::error::{Error, Result};

/// Whether a head whose label column is `column` is picked by `heads` (`None`: every head;
/// a head without a label column of its own is picked only then).
pub fn picks(heads: Option<&[String]>, column: Option<&str>) -> bool {
    match (heads, column) {
        (None, _) => true,
        (Some(heads), Some(c)) => heads.iter().any(|h| h == c),
        (Some(_), None) => false,
    }
}

/// `heads`, given with `flag`, names label columns of `--labels`, each once.
pub fn check(heads: Option<&[String]>, labels: &LabelSpec, flag: &str) -> Result<()> {
    let Some(heads) = heads else {
        return Ok(());
    };
    let LabelSpec::MultiLabel { columns } = labels else {
        return Err(Error::Param(format!(
            "{flag} picks label columns of --labels; with one --label column, leave it out"
        )));
    };
    for (i, h) in heads.iter().enumerate() {
        if !columns.contains(h) {
            return Err(Error::Param(format!(
                "{flag} names '{h}', which is not one of --labels ({})",
                columns.join(", ")
            )));
        }
        if heads[..i].contains(h) {
            return Err(Error::Param(format!("{flag} names '{h}' twice")));
        }
    }
    Ok(())
}
