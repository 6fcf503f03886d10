table "t" {
	schema = schema.public
        column "a" {
    type = int
            }
  partition {
  type = RANGE
      by {
  column = column.a
  }
    }
}
