//! The writing system of a comment, from the Unicode blocks of its letters: what decides
//! `ur-Arab` and `hi-Deva` without a model, and sends Latin-script text to the language
//! identifier (English or Roman Urdu/Hindi).

/// The script most of a text's letters are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    Latin,
    /// Arabic script (Urdu, Arabic, Persian, Pashto, Sindhi)
    Arabic,
    Devanagari,
    /// letters of another script (Cyrillic, CJK, Bengali, Gurmukhi, …)
    Other,
    /// no letters at all (emoji, digits, punctuation)
    None,
}

fn script_of(c: char) -> Option<Script> {
    let u = c as u32;
    let s = match u {
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x0900..=0x097F | 0xA8E0..=0xA8FF => Script::Devanagari,
        _ if c.is_ascii_alphabetic() => Script::Latin,
        // Latin-1 supplement and the Latin extended blocks: accented Latin letters
        0x00C0..=0x024F | 0x1E00..=0x1EFF if c.is_alphabetic() => Script::Latin,
        _ if c.is_alphabetic() => Script::Other,
        _ => return None,
    };
    Some(s)
}

/// The script of most of `text`'s letters (ties go to the first of Latin, Arabic,
/// Devanagari, other); [`Script::None`] when it has no letter. Linear in the text.
pub fn dominant_script(text: &str) -> Script {
    let mut n = [0usize; 4];
    for c in text.chars() {
        match script_of(c) {
            Some(Script::Latin) => n[0] += 1,
            Some(Script::Arabic) => n[1] += 1,
            Some(Script::Devanagari) => n[2] += 1,
            Some(_) => n[3] += 1,
            None => {}
        }
    }
    let best = (0..4).fold(0, |b, i| if n[i] > n[b] { i } else { b });
    match (n[best], best) {
        (0, _) => Script::None,
        (_, 0) => Script::Latin,
        (_, 1) => Script::Arabic,
        (_, 2) => Script::Devanagari,
        _ => Script::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_by_their_letters() {
        assert_eq!(dominant_script("yeh sab jhoot hai"), Script::Latin);
        assert_eq!(dominant_script("یہ سب جھوٹ ہے"), Script::Arabic);
        assert_eq!(dominant_script("यह सब झूठ है"), Script::Devanagari);
        assert_eq!(dominant_script("это всё ложь"), Script::Other);
        assert_eq!(dominant_script("😂😂 100%!!"), Script::None);
        // the letters of most of the text decide, not the first word
        assert_eq!(dominant_script("ok یہ سب جھوٹ ہے"), Script::Arabic);
        assert_eq!(dominant_script("café naïve"), Script::Latin);
    }
}
