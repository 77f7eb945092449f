// `pictor dashboard`: the URL that opens the running node's web dashboard
// logged in (the API token rides in the URL fragment, which the browser
// never sends); --open also hands it to the desktop's browser.
import { execa } from 'execa'
import { ApiClient } from '../../api/client.ts'
import { dashboardUrl } from '../../dashboard/index.ts'
import { UserError } from '../../errors.ts'
import { type Command, dataDirFlag, parseFlags } from '../args.ts'

export const dashboardCommand: Command = {
  summary: "print the URL of the running node's web dashboard (--open: open it in a browser)",
  usage: 'pictor dashboard [--data-dir DIR] [--open]',
  async run(argv) {
    const { values } = parseFlags(argv, { open: { type: 'boolean' } })
    const client = await ApiClient.fromDataDir(dataDirFlag(values))
    // Fails with the usual one line when the node is not running.
    await client.request('GET', '/api/status')
    const url = dashboardUrl(client.url, client.token)
    console.log(url)
    if (values.open) {
      try {
        await execa('xdg-open', [url], { timeout: 10_000, stdio: 'ignore', detached: true })
      } catch {
        throw new UserError('NO_BROWSER', 'could not run xdg-open: open the URL above in a browser')
      }
    }
    return 0
  }
}
