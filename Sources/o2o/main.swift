print("o2o")
