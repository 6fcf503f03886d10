table "t" {
  comment      = "quotes \" and backslashes \\ and ${"nested } braces"} done"
  escaped      = "$${not_a_template} %%{not_a_directive}"
  directive    = "%{ if true }yes%{ endif }"
  braces       = "} { ]"
  comment_like = "# not a comment // nor this /* nor this */"
  unicode      = "héllo wörld ✓"
}
