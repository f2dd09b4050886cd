//! `stowage::config::*`: config files. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Config files",
    intro: "Files read into configs.",
    /// A config `file` whose `path=` cannot be read: it is absolute or leaves the spec's folder with
    /// `..`, or the file does not exist or is not readable. Paths are relative to the folder of
    /// `stowage.kdl`.
    ///
    /// ```kdl,fragment
    /// config "web-config" {
    ///     file "nginx.conf" path="../nginx/nginx.conf"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::config::file]: `../nginx/nginx.conf` is outside the spec's folder
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// config "web-config" {
    ///     file "nginx.conf" path="config/nginx.conf"
    /// }
    /// ```
    ///
    /// (with the file `config/nginx.conf` beside the spec)
    FILE = "stowage::config::file", Error;
}
