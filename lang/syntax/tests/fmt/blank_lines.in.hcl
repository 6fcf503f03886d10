


schema "a" {}
schema "b" {}
table "t" {


  schema = schema.a



  column "c" {

    type = int

  }


}



variable "v" {
  default = 1
}
locals { z = 1 }


