# A file comment, kept at the top.
// Another style of comment.

/* A block comment
   spanning lines,   
   kept as written. */
schema "public" {}   # trailing comment after a block
# atlas:nolint DS103
table "t" { # after the brace
  schema = schema.public # trailing
  # inside, before a column
  column "a" {
    type = int /* inline */ # and trailing
    // last in the block
  }
  columns = [
    # in a list
    column.a, // after an element
    column.b,
  ]
  # last comment of the table
}
# A comment at the end of the file.
