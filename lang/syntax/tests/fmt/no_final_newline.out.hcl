schema "x" {}
