import json
import urllib.request
import urllib.parse

post_params = {'api': 'list_users', 'key': '0qvG4DkOz8NZnkuhn4aczck7r3qQVYS4'}

post_args = urllib.parse.urlencode(post_params)
data = post_args.encode()
stream = urllib.request.urlopen('http://localhost/nodepoint/', data)
result = stream.read()
charset = stream.info().get_param('charset', 'utf8')
users = json.loads(result.decode(charset))
for user in users['users']:
    print(user['name'])

