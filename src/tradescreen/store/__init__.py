"""tradescreen.store"""
