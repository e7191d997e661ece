"""tradescreen.match"""
