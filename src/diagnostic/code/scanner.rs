//! `stowage::scanner::*`: security scanners. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Security scanners",
    intro: "Scanner check ids in `waive`: the checks of checkov and trivy that a spec switches off for an object. See [Security scanners](scanners.md).",
    /// A `waive` names something that looks like a scanner's check id (it starts with `CKV`, `KSV` or
    /// `AVD`) but is not written as the scanner prints it: checkov `CKV_K8S_N` or `CKV2_K8S_N`, trivy
    /// `KSV-NNNN` (4 or 5 digits) or `AVD-KSV-NNNN`. The help gives the id it most likely means.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.4.2"
    ///     port "http" 8080
    ///     waive "KSV20" reason="the image's user is UID 1000"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::scanner::check-id]: `KSV20` is not a checkov or trivy check id
    ///   help: did you mean `KSV-0020`?
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.4.2"
    ///     port "http" 8080
    ///     waive "KSV-0020" reason="the image's user is UID 1000"
    /// }
    /// ```
    CHECK_ID = "stowage::scanner::check-id", Error;
}
