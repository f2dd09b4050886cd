//! Keyword values (`pull="IfNotPresent"`, `policy "staging"`): each is an enum declared once
//! with the words it takes ([`keyword!`]), decoded when the spec is read ([`Keyword::parse`],
//! with a "did you mean" for anything else) and matched as an enum everywhere after.

/// An enum of keyword values.
pub trait Keyword: Sized + Copy + 'static {
    /// What a value is, in messages: "pull policy".
    const WHAT: &'static str;
    /// The words, in the order the reference lists them.
    const NAMES: &'static [&'static str];
    fn parse(s: &str) -> Option<Self>;
    /// The word as written in the spec (and, for Kubernetes' own values, in the output).
    fn name(self) -> &'static str;
}

/// Declare a keyword enum: `keyword! { /// doc  pub enum PullPolicy("pull policy") { Always =
/// "Always", ... } }`.
macro_rules! keyword {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),*
        }

        impl $crate::syntax::keyword::Keyword for $name {
            const WHAT: &'static str = $what;
            const NAMES: &'static [&'static str] = &[$($word),*];
            fn parse(s: &str) -> Option<Self> {
                match s {
                    $( $word => Some($name::$variant), )*
                    _ => None,
                }
            }
            fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $word ),*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::syntax::keyword::Keyword::name(*self))
            }
        }
    };
}
pub(crate) use keyword;

#[cfg(test)]
mod tests {
    use super::Keyword;

    keyword! {
        /// A test enum.
        pub enum Colour("colour") { Red = "red", Green = "green" }
    }

    #[test]
    fn words_round_trip() {
        for w in Colour::NAMES {
            assert_eq!(Colour::parse(w).unwrap().name(), *w);
        }
        assert_eq!(Colour::parse("Red"), None);
        assert_eq!(Colour::Green.to_string(), "green");
    }
}
