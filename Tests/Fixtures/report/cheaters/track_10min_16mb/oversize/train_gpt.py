# synthetic train_gpt.py for the referee gate tests
print('hello')
