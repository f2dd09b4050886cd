//! `stowage::image::*`: images. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Images",
    intro: "The `image` of a workload.",
    /// The image name carries its tag or digest (`"web:1.0.0"`, `"web@sha256:..."`). Write them as
    /// properties so environments can override them alone.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer:2.3.1"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::image::tag-in-name]: image `mailer:2.3.1` has its tag in the name
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    /// }
    /// ```
    TAG_IN_NAME = "stowage::image::tag-in-name", Error;
    /// An image name that is empty, or has upper-case letters or spaces.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "Mailer" tag="2.3.1"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::image::name]: `Mailer` is not a valid image name
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    /// }
    /// ```
    NAME = "stowage::image::name", Error;
    /// A `digest=` that is not `sha256:` followed by 64 hex digits.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" digest="4f5c2a"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::image::digest]: `4f5c2a` is not an image digest
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" digest="sha256:4f5c2a0e3b1d9c8f7a6b5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"
    /// }
    /// ```
    DIGEST = "stowage::image::digest", Error;
    /// A `tag=` that is not a valid image tag: at most 128 letters, digits, `_`, `.` and `-`, not
    /// starting with `.` or `-`.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1/beta"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::image::tag]: `2.3.1/beta` is not a valid image tag
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1-beta"
    /// }
    /// ```
    TAG = "stowage::image::tag", Error;
}
