"""The monthly bulletin compiled from every module, its decisions (约谈, 通报, 限期整改) tracked to closure."""
