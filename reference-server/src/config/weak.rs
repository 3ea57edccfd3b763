//! Secrets long enough that are still guessed offline: the well-known ones
//! (`weak_secrets.txt`) and the ones made only of words.
//!
//! An HS256 token is checked offline, without asking the server: whoever
//! holds one token tries secrets at billions per second. A secret from a
//! tutorial is in every wordlist; a few words joined together fall to a
//! dictionary or combinator attack (hashcat `-a 1`) whatever their length.

/// Our own list, with where each entry is published; see the file's header.
const WELL_KNOWN: &str = include_str!("weak_secrets.txt");

/// What joins the words of a word-only secret; a well-known secret matches
/// whichever of these it is spelled with.
const SEPARATORS: [char; 4] = ['_', '-', '.', ' '];

/// Whether `secret` is on the list, after trimming, ignoring case and the
/// separators.
pub fn is_well_known_secret(secret: &str) -> bool {
    let secret = normalized(secret);
    WELL_KNOWN
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .any(|entry| normalized(entry) == secret)
}

/// Whether `secret` is only words: letters, joined by the separators or by
/// case (`myVeryLongKey`). This refuses diceware passphrases too, on
/// purpose: the server cannot tell one from a phrase someone made up, and a
/// machine secret has no reason to be words. Random output passes: hex and
/// base64 carry digits (or `+`, `/`, `=`), and random letters mix case in a
/// way words do not.
pub fn is_words_only(secret: &str) -> bool {
    let mut words = secret
        .trim()
        .split(SEPARATORS)
        .filter(|word| !word.is_empty())
        .peekable();
    words.peek().is_some() && words.all(is_word)
}

/// Letters, all capitals or with no two capitals in a row: `key`, `KEY`,
/// `Key`, `myKey`; not `kEYq`.
fn is_word(word: &str) -> bool {
    let letters: Vec<char> = word.chars().collect();
    letters.iter().all(|letter| letter.is_alphabetic())
        && (letters.iter().all(|letter| letter.is_uppercase())
            || !letters
                .windows(2)
                .any(|pair| pair[0].is_uppercase() && pair[1].is_uppercase()))
}

fn normalized(secret: &str) -> String {
    secret
        .trim()
        .chars()
        .filter(|c| !SEPARATORS.contains(c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<&'static str> {
        WELL_KNOWN
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect()
    }

    #[test]
    fn the_list_is_a_few_dozen_distinct_entries_each_refused() {
        let entries = entries();
        assert!((30..=80).contains(&entries.len()), "{}", entries.len());
        let mut distinct: Vec<String> = entries.iter().map(|entry| normalized(entry)).collect();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), entries.len(), "an entry repeats another");
        assert!(entries.iter().all(|entry| is_well_known_secret(entry)));
    }

    #[test]
    fn the_list_matches_whatever_the_case_spacing_and_separators() {
        for secret in [
            "my_very_long_and_safe_secret_key",
            "MY-VERY-LONG-AND-SAFE-SECRET-KEY",
            "  your-256-bit-secret\n",
            "Your 256 Bit Secret",
            "09D25E094FAA6CA2556C818166B7A9563B93F7099F6F0F4CAA6CF63B88E8D3E7",
            "\tsecret ",
            "your-super-secret-jwt-token-with-at-least-32-characters-long",
        ] {
            assert!(is_well_known_secret(secret), "{secret:?}");
        }
        for secret in [
            "",
            "secrets",
            "secret1",
            "my_very_long_and_safe_secret_key2",
        ] {
            assert!(!is_well_known_secret(secret), "{secret:?}");
        }
    }

    #[test]
    fn secrets_of_words_alone_are_refused() {
        for secret in [
            "my_very_long_and_safe_secret_key",
            "correct horse battery staple orbit lunar",
            "Production.Signing.Key.For.Todos",
            "THE_JWT_SIGNING_KEY_OF_OUR_TODO_APP",
            "myVeryLongAndSafeSecretKeyForTodos",
            "averylongsecretkeywithoutanyseparators",
        ] {
            assert!(is_words_only(secret), "{secret:?}");
        }
    }

    #[test]
    fn random_secrets_are_not_words() {
        for secret in [
            // openssl rand -hex 32
            "4f9c2a1be07d53c8a6f1e2d9b3c4a5f60718293a4b5c6d7e8f90a1b2c3d4e5f6",
            // openssl rand -base64 32
            "q3Jd8vKx0ZpL7mN2bR5tY9wE1uI4oA6sD8fG0hJ2kLc=",
            // base64url that drew no digit: random case, capitals in a row
            "kQZrWpLmnVBtyhGFds-AEjcuoIqwZXyTr_vBNmKlpJHg",
            "my_very_long_and_safe_secret_key_2024",
            "",
            "___",
        ] {
            assert!(!is_words_only(secret), "{secret:?}");
        }
    }
}
