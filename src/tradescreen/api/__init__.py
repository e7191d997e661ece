"""tradescreen.api"""
