"""tradescreen.names"""
