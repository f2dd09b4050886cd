//! `stowage::include::*`: specs split into several files. Each code's doc comment is its
//! section of the book's diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Included files",
    intro: "`include` reads top-level nodes from other KDL files.",
    /// An included file cannot be read, or its path is not one stowage reads: an absolute path,
    /// a URL (nothing is fetched from the network), a file that does not end in `.kdl`, or the
    /// files of a spec together larger than a spec may be.
    ///
    /// ```kdl,fragment
    /// include "https://example.com/base.kdl"
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::include::file]: `https://example.com/base.kdl` is not a relative path
    /// ```
    ///
    /// Fix: vendor the file beside the spec and include it by its relative path,
    /// `include "shared/base.kdl"`.
    FILE = "stowage::include::file", Error;
    /// A file includes itself, directly or through other files.
    ///
    /// ```kdl,fragment
    /// // stowage.kdl
    /// include "services.kdl"
    /// // services.kdl
    /// include "stowage.kdl"
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::include::cycle]: `stowage.kdl` includes itself
    /// ```
    ///
    /// Fix: remove the `include` that closes the circle.
    CYCLE = "stowage::include::cycle", Error;
    /// A file is included twice: everything in it would be defined twice.
    ///
    /// ```kdl,fragment
    /// include "services.kdl"
    /// include "./services.kdl"
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::include::duplicate]: `services.kdl` is included twice
    /// ```
    ///
    /// Fix: include each file once.
    DUPLICATE = "stowage::include::duplicate", Error;
}
