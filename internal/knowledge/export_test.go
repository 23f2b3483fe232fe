package knowledge

// Gutenberg is gutenberg, for the external tests.
var Gutenberg = gutenberg
