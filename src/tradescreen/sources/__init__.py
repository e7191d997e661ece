"""tradescreen.sources"""
