//! The document passed from stage to stage: source → html → normalize → extract.

/// What kind of payload an input carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentKind {
    /// An HTML page.
    Html,
    /// Plain text (possibly with page leftovers such as menus or comment forms).
    Text,
    /// Not known from the name or headers: sniffed from the bytes.
    Unknown,
}

/// Raw bytes of one input as a source produced them.
#[derive(Debug, Clone)]
pub struct RawDocument {
    /// Stable id: file name without extensions, or a digest of the URL.
    pub id: String,
    /// The path, URL or `path#offset` as given.
    pub input: String,
    /// The article's URL when known.
    pub url: Option<String>,
    /// Payload bytes (already un-gzipped).
    pub bytes: Vec<u8>,
    /// What the payload is thought to be.
    pub kind: ContentKind,
    /// Charset named by a transport header (HTTP `Content-Type`), if any.
    pub charset_hint: Option<String>,
}

/// A document after reading: main text and page metadata. `text` is the normalized main text
/// that every evidence offset points into.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub id: String,
    pub input: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub author: Option<String>,
    pub site: Option<String>,
    /// Normalized main text.
    pub text: String,
    /// Things the reader had to guess or repair (charset guessed, legacy encoding converted …).
    pub warnings: Vec<String>,
}
