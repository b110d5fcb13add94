print("hookd")
