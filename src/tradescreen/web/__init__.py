"""tradescreen.web"""
