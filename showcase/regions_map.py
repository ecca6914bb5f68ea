def home_block():
    return None
