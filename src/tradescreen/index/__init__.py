"""tradescreen.index"""
