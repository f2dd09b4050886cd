//! `stowage::secret::*`: secrets. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Secrets",
    intro: "Secret values in the spec, and secrets that do not fit their source.",
    /// A secret value written in the spec: an `env` literal whose name looks like a secret (contains
    /// `PASSWORD`, `PASSWD`, `SECRET`, `TOKEN`, `API_KEY`, `APIKEY`, `PRIVATE_KEY`, `ACCESS_KEY`,
    /// `CREDENTIAL`), an `env` literal or config value that is a URL with a password in it, a config key
    /// that looks like a secret, or a `value=` on a secret's key. Declare a `secret` and reference it.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         SMTP_PASSWORD "hunter2"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::secret::plaintext]: `SMTP_PASSWORD` looks like a secret but its value is written in the spec
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// secret "smtp" {
    ///     key "password"
    /// }
    ///
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         SMTP_PASSWORD secret="smtp" key="password"
    ///     }
    /// }
    /// ```
    PLAINTEXT = "stowage::secret::plaintext", Error;
    /// A secret whose keys do not fit its `source=`: an existing secret with `encrypted=` or `remote=`
    /// on a key; a sealed secret without keys, or a key without `encrypted=`; an external secret without
    /// `store=`, without keys, or a key without `remote=`.
    ///
    /// ```kdl,fragment
    /// secret "smtp" source="external" store="vault" {
    ///     key "password"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::secret::source]: key `password` has no remote reference
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// secret "smtp" source="external" store="vault" {
    ///     key "password" remote="mail/smtp" property="password"
    /// }
    /// ```
    SOURCE = "stowage::secret::source", Error;
    /// A sealed secret in an environment with a `prefix`. A SealedSecret is encrypted for its name and
    /// namespace, so it cannot be renamed: give the environment its own namespace instead of a prefix.
    ///
    /// ```kdl,fragment
    /// secret "smtp" source="sealed" {
    ///     key "password" encrypted="AgBy3i4OJSWK+PiTySYZZA"
    /// }
    ///
    /// environment "dev" {
    ///     policy "dev"
    ///     prefix "dev-"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::secret::prefix]: sealed secret `smtp` cannot be renamed by the prefix `dev-`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// secret "smtp" source="sealed" {
    ///     key "password" encrypted="AgBy3i4OJSWK+PiTySYZZA"
    /// }
    ///
    /// environment "dev" {
    ///     policy "dev"
    ///     namespace "shop-dev"
    /// }
    /// ```
    PREFIX = "stowage::secret::prefix", Error;
}
