// KDL highlighting for the book's ```kdl blocks: highlight.js (as bundled by mdBook) has no KDL
// grammar, so this registers one and highlights the KDL blocks again, after book.js.
(function () {
    if (typeof hljs === 'undefined') {
        return;
    }
    var bare = /[^\s\\\/(){};\[\]"#=]+/;
    hljs.registerLanguage('kdl', function (hljs) {
        return {
            name: 'KDL',
            contains: [
                hljs.C_LINE_COMMENT_MODE,
                hljs.COMMENT(/\/\*/, /\*\//, { contains: ['self'] }),
                { className: 'comment', begin: /\/-/ },
                { className: 'string', begin: /#+"""/, end: /"""#+/ },
                { className: 'string', begin: /#+"/, end: /"#+/ },
                { className: 'string', begin: /"""/, end: /"""/, contains: [hljs.BACKSLASH_ESCAPE] },
                { className: 'string', begin: /"/, end: /"/, contains: [hljs.BACKSLASH_ESCAPE] },
                { className: 'literal', begin: /#(true|false|null|inf|-inf|nan)\b/ },
                { className: 'type', begin: /\(/, end: /\)/ },
                {
                    className: 'number',
                    begin: /[-+]?\b(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*(\.[0-9][0-9_]*)?([eE][-+]?[0-9]+)?)\b/
                },
                { className: 'attr', begin: new RegExp(bare.source + '(?==)') },
                // A node name: first on its line, or after `{` or `;`.
                { className: 'keyword', begin: new RegExp('(?<=(^|[{;])[ \\t]*)' + bare.source), relevance: 0 }
            ]
        };
    });
    document.querySelectorAll('code.language-kdl').forEach(function (block) {
        block.textContent = block.textContent;
        hljs.highlightBlock(block);
    });
})();
