// The editor at 1280 and 390 px: Edit this from the viewer; an instruction sent with Ctrl+Enter, its quote and
// payload meter, its progress, and the editor moving to the new image, seen in the lineage tree; a painted
// mask (brush, rectangle, invert, clear) sent as a region edit whose PNG is the image's size; before/after;
// branching from an older node; the model answering in words and the reply; a broken conversation started
// fresh; a Gemini conversation continued (replayed images, the payload meter large and over the limit);
// upscale with a flagged answer; references named from the editor, picked with @name, renamed and removed in
// the References view (which follows the library); Edit this from a gallery tile, History and the Generator;
// the tree in the viewer and History (open, compare two nodes, reply to the model's words, failures said as
// such); a gallery image dragged onto inputs; a pasted link used as an input; Recall's input images; reference chips in the
// Generator (first among the job's inputs; an unknown name refused); References
// added from a file and replaced.
import assert from 'node:assert/strict'

const mock = (page, fn, arg) => page.evaluate(fn, arg)
const editorImage = (page) => page.getByTestId('editor').getAttribute('data-image')

/** Waits until the editor shows another image than `before` and the tree has it as the current node. */
async function movedFrom(page, before) {
  await page.waitForFunction((b) => {
    const id = document.querySelector('[data-testid="editor"]')?.dataset.image
    const current = document.querySelector('[data-testid="lineage-node"][data-current="true"]')
    return id && id !== b && current?.dataset.image === id
  }, before, { timeout: 10_000 })
  return editorImage(page)
}

/** Drags the pointer across the mask canvas between two points given as shares of its size. */
async function drag(page, from, to) {
  await page.getByTestId('mask-canvas').scrollIntoViewIfNeeded()
  const box = await page.getByTestId('mask-canvas').boundingBox()
  const at = ([x, y]) => [box.x + box.width * x, box.y + box.height * y]
  await page.mouse.move(...at(from))
  await page.mouse.down()
  for (let i = 1; i <= 8; i++) {
    await page.mouse.move(...at([from[0] + ((to[0] - from[0]) * i) / 8, from[1] + ((to[1] - from[1]) * i) / 8]))
  }
  await page.mouse.up()
}

const painted = async (page) => Number(await page.getByTestId('mask-canvas').getAttribute('data-painted'))

async function send(page, text) {
  await page.getByTestId('edit-instruction').fill(text)
  await page.getByTestId('edit-instruction').press('Control+Enter')
}

export default async function ({ check, widths, openPage, shot: fullShot, settle, noHorizontalOverflow, shots }) {
  // From the top: the phone's header stays on top of the page and would cut through a scrolled full-page shot.
  const shot = async (page, name) => {
    await page.evaluate(() => window.scrollTo(0, 0))
    await fullShot(page, name)
  }
  for (const [label, viewport] of Object.entries(widths)) {
    const page = await openPage(viewport, '/gallery')
    const byId = (id) => page.getByTestId(id)
    let first = null
    let edited = null

    await check(`${label}: Edit this in the viewer opens the editor on that image, with its tree`, async () => {
      await page.getByTestId('gallery-item').first().click()
      await byId('viewer').waitFor({ timeout: 10_000 })
      first = await byId('viewer').getAttribute('data-id')
      await byId('viewer-edit').click()
      await page.waitForURL(new RegExp(`#/edit/${first}$`))
      await page.locator(`[data-testid="editor"][data-image="${first}"]`).waitFor({ timeout: 5_000 })
      await page.locator('[data-testid="lineage-tree"][data-loaded="true"]').waitFor()
      assert.equal(await page.locator('[data-testid="lineage-node"][data-current="true"]').getAttribute('data-image'), first)
      // The quote is there before anything is typed (the demo draws for free).
      await page.locator('[data-testid="edit-quote-total"]').waitFor()
      assert.equal(await byId('viewer').count(), 0, 'the viewer closed')
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      await shot(page, `editing-editor-${label}`)
    })

    await check(`${label}: an instruction sent with Ctrl+Enter runs as a child job; the editor moves to its image`, async () => {
      const nodes = await page.getByTestId('lineage-node').count()
      await send(page, 'Make it night, keep the lighthouse')
      await byId('edit-progress').waitFor({ timeout: 5_000 })
      edited = await movedFrom(page, first)
      assert.equal(await page.getByTestId('lineage-node').count(), nodes + 1)
      const job = await mock(page, (id) => window.__NANOFORGE_MOCK__.jobs.find((j) => j.imageId === id), edited)
      assert.equal(job.parentImageId, first)
      assert.equal(job.purpose, 'edit')
      assert.equal(job.prompt, 'Make it night, keep the lighthouse')
      assert.equal(await byId('edit-progress').getAttribute('data-stage'), 'done')
      assert.equal(await byId('edit-instruction').inputValue(), '', 'the next instruction starts empty')
      // The new node hangs under the edited image's node, marked as an edit.
      const node = page.locator(`[data-testid="lineage-node"][data-image="${edited}"]`)
      assert.equal(await node.getByTestId('job-purpose').getAttribute('data-purpose'), 'edit')
      await settle(page)
      await shot(page, `editing-after-edit-${label}`)
    })

    await check(`${label}: a painted mask (brush, rectangle, invert, clear) goes as a region edit at the image's size`, async () => {
      await byId('editor-mode-region').click()
      await byId('mask-canvas').waitFor()
      assert.equal(await byId('edit-send').isDisabled(), true, 'nothing painted yet')
      await byId('edit-instruction').fill('A red kite in the sky')
      assert.equal(await byId('edit-send').isDisabled(), true, 'an empty mask is not sent')
      await drag(page, [0.2, 0.2], [0.6, 0.3])
      const brushed = await painted(page)
      assert.ok(brushed > 0.005 && brushed < 0.3, `brush painted ${brushed}`)
      await byId('mask-invert').click()
      assert.ok(Math.abs((await painted(page)) - (1 - brushed)) < 0.002, 'invert paints the rest')
      await byId('mask-clear').click()
      assert.equal(await painted(page), 0)
      await byId('mask-tool-rect').click()
      await drag(page, [0.5, 0.5], [0.75, 0.9])
      const rect = await painted(page)
      assert.ok(Math.abs(rect - 0.25 * 0.4) < 0.01, `rectangle painted ${rect}`)
      await byId('mask-tool-brush').click()
      await drag(page, [0.1, 0.8], [0.3, 0.8])
      assert.ok((await painted(page)) > rect)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      await shot(page, `editing-mask-${label}`)
      const share = await painted(page)
      const image = await mock(page, (id) => window.__NANOFORGE_MOCK__.images.find((i) => i.id === id), edited)
      await byId('edit-send').click()
      const made = await movedFrom(page, edited)
      const job = await mock(page, (id) => window.__NANOFORGE_MOCK__.jobs.find((j) => j.imageId === id), made)
      assert.equal(job.purpose, 'masked_edit')
      assert.equal(job.parentImageId, edited)
      const sent = await mock(page, () => window.__NANOFORGE_MOCK__.editing.lastMask)
      assert.deepEqual([sent.width, sent.height], [image.width, image.height], 'the mask PNG is the image’s size')
      assert.ok(Math.abs(sent.painted - share) < 0.02, `the PNG paints ${sent.painted}, the canvas ${share}`)
      edited = made
    })

    await check(`${label}: before/after compares the image with the one it was made from`, async () => {
      await byId('editor-mode-compare').click()
      await byId('compare-slider').waitFor()
      await settle(page)
      await shot(page, `editing-compare-${label}`)
      await byId('editor-mode-whole').click()
    })

    await check(`${label}: editing an older node branches; the tree shows the siblings and its total`, async () => {
      await page.locator(`[data-testid="lineage-node"][data-image="${first}"] button`).click()
      await page.locator(`[data-testid="editor"][data-image="${first}"]`).waitFor({ timeout: 5_000 })
      await send(page, 'Make it a winter morning instead')
      await movedFrom(page, first)
      const depths = await page.getByTestId('lineage-node').evaluateAll((els) => els.map((e) => Number(e.dataset.depth)))
      const rootDepth = depths[0]
      assert.equal(depths.filter((d) => d === rootDepth + 1).length >= 2, true, `siblings: ${depths}`)
      assert.match(await byId('lineage-total').textContent(), /^Total \$/)
    })

    await check(`${label}: a text-only answer shows in the chain with a reply box; the reply runs`, async () => {
      const before = await editorImage(page)
      await send(page, '@ask Change her jacket')
      await byId('edit-answer').waitFor({ timeout: 10_000 })
      assert.match(await byId('edit-answer-text').textContent(), /Which one do you mean/)
      const asked = await byId('edit-answer').getAttribute('data-job')
      const askedNode = page.locator(`[data-testid="lineage-node"][data-job="${asked}"]`)
      assert.ok(await askedNode.count() === 1, 'the answer is in the tree')
      // The tree tells the model's words apart from a failure: its text as an answer, with a reply box.
      assert.equal(await askedNode.getAttribute('data-answer'), 'text')
      assert.match(await askedNode.getByTestId('lineage-answer-text').textContent(), /Which one do you mean/)
      await askedNode.getByTestId('lineage-reply-input').waitFor()
      await settle(page)
      await shot(page, `editing-answer-${label}`)
      await byId('edit-reply-text').fill('The red one')
      await byId('edit-reply-send').click()
      await movedFrom(page, before)
      const reply = await mock(page, () => window.__NANOFORGE_MOCK__.jobs.at(-1))
      assert.equal(reply.purpose, 'reply')
      assert.equal(reply.prompt, 'The red one')
    })

    await check(`${label}: a broken conversation offers Start fresh from this image`, async () => {
      const before = await editorImage(page)
      await send(page, '@fail:conversation_broken Add snow')
      const error = page.locator('[data-testid="edit-error"][data-kind="conversation_broken"]')
      await error.waitFor({ timeout: 10_000 })
      // In the tree it is a failure, said as one (no reply box).
      const failedNode = page.locator('[data-testid="lineage-node"][data-answer="failed"]').last()
      await failedNode.waitFor({ timeout: 5_000 })
      assert.match(await failedNode.getByTestId('lineage-failed').textContent(), /^\s*Failed: /)
      assert.equal(await failedNode.getByTestId('lineage-reply-input').count(), 0)
      await error.getByTestId('edit-start-fresh').click()
      await movedFrom(page, before)
      assert.equal(await mock(page, () => window.__NANOFORGE_MOCK__.jobs.at(-1).prompt), 'Add snow')
    })

    await check(`${label}: with a Gemini key an edit continues the conversation; the payload meter warns and blocks`, async () => {
      const here = await editorImage(page)
      await byId('nav-settings').click()
      const card = byId('key-card-geminiKey')
      await card.getByTestId('api-key-input').fill('AIza-test-key-5678')
      await card.getByTestId('api-key-save').click()
      await card.getByTestId('api-key-status').filter({ hasText: '5678' }).waitFor({ timeout: 5_000 })
      await page.goto(page.url().replace(/#.*$/, `#/edit/${here}`))
      await page.locator(`[data-testid="editor"][data-image="${here}"]`).waitFor({ timeout: 10_000 })
      // The first Gemini edit starts a conversation with the image; the next one continues it.
      await page.locator('[data-testid="edit-quote-conversation"]', { hasText: 'starts a new conversation' }).waitFor()
      await send(page, 'Warmer light')
      const gemini = await movedFrom(page, here)
      assert.equal(await mock(page, () => window.__NANOFORGE_MOCK__.jobs.at(-1).provider), 'gemini')
      await page.locator('[data-testid="edit-quote-conversation"]', { hasText: 'continues the conversation · 2 images replayed' }).waitFor({ timeout: 5_000 })
      // The mock scales the request's bytes: to about 60 MB (large), then 150 MB (over the 100 MB limit).
      const bytes = Number(await page.locator('[data-testid="payload-meter"] [role="meter"]').getAttribute('aria-valuenow'))
      await mock(page, (scale) => { window.__NANOFORGE_MOCK__.editing.payloadScale = scale }, 60e6 / bytes)
      await byId('edit-instruction').fill('Even warmer')
      await page.locator('[data-testid="payload-meter"][data-level="large"]').waitFor({ timeout: 5_000 })
      assert.equal(await byId('edit-send').isDisabled(), false, 'large still sends')
      await mock(page, (scale) => { window.__NANOFORGE_MOCK__.editing.payloadScale = scale }, 150e6 / bytes)
      await byId('edit-instruction').fill('Even warmer still')
      await page.locator('[data-testid="payload-meter"][data-level="over"]').waitFor({ timeout: 5_000 })
      assert.equal(await byId('edit-send').isDisabled(), true, 'over the limit is never sent')
      assert.match(await byId('payload-note').textContent(), /Too large to send/)
      await settle(page)
      await shot(page, `editing-payload-${label}`)
      await mock(page, () => { window.__NANOFORGE_MOCK__.editing.payloadScale = 1 })
      await byId('start-fresh').click()
      await movedFrom(page, gemini)
      assert.equal(await mock(page, () => window.__NANOFORGE_MOCK__.jobs.at(-1).prompt), 'Even warmer still')
    })

    await check(`${label}: Upscale offers 2K and 4K with prices; an answer of another size is flagged`, async () => {
      const before = await editorImage(page)
      await byId('upscale-button').click()
      await byId('upscale-menu').waitFor()
      assert.match(await byId('upscale-4K').textContent(), /4K · \$0\.1512/)
      await mock(page, () => { window.__NANOFORGE_MOCK__.editing.flagNext = 'wrong_size' })
      await byId('upscale-4K').click()
      const made = await movedFrom(page, before)
      const job = await mock(page, (id) => window.__NANOFORGE_MOCK__.jobs.find((j) => j.imageId === id), made)
      assert.deepEqual([job.purpose, job.imageSize], ['upscale', '4K'])
      await page.locator('[data-testid="image-flag"][data-flag="wrong_size"]').first().waitFor({ timeout: 5_000 })
    })

    await check(`${label}: Use as reference names the image; @name in the instruction adds the chip`, async () => {
      await byId('editor-use-reference').click()
      await byId('use-reference-name').fill('Fox')
      await byId('use-reference-save').click()
      await byId('use-reference-dialog').waitFor({ state: 'detached' })
      await byId('edit-instruction').fill('Put @fox on the cliff')
      await page.locator('[data-testid="reference-chip"][data-name="Fox"]').waitFor({ timeout: 5_000 })
      await page.getByTestId('reference-picker').selectOption('Mira')
      await page.locator('[data-testid="reference-chip"][data-name="Mira"]').waitFor()
      const before = await editorImage(page)
      await byId('edit-send').click()
      await movedFrom(page, before)
    })

    await check(`${label}: the References view renames and removes, and follows the library`, async () => {
      await byId('nav-references').click()
      await byId('references-grid').waitFor({ timeout: 5_000 })
      const names = () => page.getByTestId('reference-name').allTextContents().then((l) => l.map((s) => s.trim()))
      assert.deepEqual(await names(), ['@Fox', '@logo', '@Mira'])
      const fox = page.locator('[data-testid="reference-card"][data-name="Fox"]')
      await fox.getByTestId('reference-rename').click()
      await fox.getByTestId('reference-rename-input').fill('Red fox')
      await fox.getByTestId('reference-rename-save').click()
      await page.locator('[data-testid="reference-card"][data-name="Red fox"]').waitFor()
      await page.locator('[data-testid="reference-card"][data-name="logo"]').getByTestId('reference-remove').click()
      await byId('confirm-ok').click()
      await page.locator('[data-testid="reference-card"][data-name="logo"]').waitFor({ state: 'detached' })
      // Another process names an image: the library says references changed and the view reads them again.
      await mock(page, () => {
        const s = window.__NANOFORGE_MOCK__
        s.editing.references.push({ id: 'ref-cli', name: 'Boat', imageId: s.images[3].id, sha256: s.images[3].sha256, updatedAt: Date.UTC(2026, 10, 25, 14) })
        window.__NANOFORGE_LIBRARY_CHANGED__({ references: true })
      })
      await page.locator('[data-testid="reference-card"][data-name="Boat"]').waitFor({ timeout: 5_000 })
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      await shot(page, `editing-references-${label}`)
    })

    await check(`${label}: Edit this from History and from the Generator's result`, async () => {
      await byId('nav-history').click()
      await page.getByTestId('history-edit').first().click()
      await page.waitForURL(/#\/edit\//)
      await byId('editor').waitFor()
      await byId('nav-generator').click()
      await byId('prompt-input').fill('A paper boat on a pond')
      await byId('generate-button').click()
      const result = page.getByTestId('result-edit').first()
      await result.waitFor({ timeout: 10_000 })
      await result.click()
      await page.waitForURL(/#\/edit\//)
      await page.locator('[data-testid="editor"]').waitFor()
    })

    await check(`${label}: the viewer's Tree opens nodes, compares two and answers the model in place`, async () => {
      await page.goto(page.url().replace(/#.*$/, `#/gallery?image=${first}`))
      await page.locator(`[data-testid="viewer"][data-id="${first}"]`).waitFor({ timeout: 10_000 })
      const tree = page.locator('[data-testid="viewer-tree"] [data-testid="lineage-tree"][data-loaded="true"]')
      await tree.waitFor({ timeout: 5_000 })
      await tree.scrollIntoViewIfNeeded()
      assert.match(await tree.getByTestId('lineage-total').textContent(), /^Total \$/)
      assert.ok(await tree.locator('[data-answer="text"] [data-testid="lineage-answer-text"]').count() >= 1, 'the text answer')
      assert.ok(await tree.locator('[data-answer="failed"] [data-testid="lineage-failed"]').count() >= 1, 'the failure')
      await settle(page)
      await tree.evaluate((el) => el.scrollIntoView({ block: 'start' }))
      await fullShot(page, `editing-viewer-tree-${label}`)
      // A node opens its image in the viewer.
      await tree.locator(`[data-testid="lineage-node"][data-image="${edited}"] button.node`).click()
      await page.locator(`[data-testid="viewer"][data-id="${edited}"]`).waitFor({ timeout: 5_000 })
      // Two nodes, before/after.
      const again = page.locator('[data-testid="viewer-tree"] [data-testid="lineage-tree"][data-loaded="true"]')
      await again.getByTestId('lineage-compare-toggle').click()
      await again.locator(`[data-testid="lineage-node"][data-image="${first}"] [data-testid="lineage-pick"]`).check()
      await again.locator(`[data-testid="lineage-node"][data-image="${edited}"] [data-testid="lineage-pick"]`).check()
      await again.getByTestId('lineage-compare').click()
      await byId('compare-view').waitFor({ timeout: 5_000 })
      assert.equal(await byId('compare-item').count(), 2)
      await byId('compare-mode-slider').click()
      await byId('compare-slider').waitFor()
      await settle(page)
      await shot(page, `editing-tree-compare-${label}`)
      await byId('compare-close').click()
      await byId('compare-view').waitFor({ state: 'detached' })
      // The model's question answered from the viewer: a reply job.
      const jobs = await mock(page, () => window.__NANOFORGE_MOCK__.jobs.length)
      const answer = again.locator('[data-answer="text"]').first()
      await answer.getByTestId('lineage-reply-input').fill('The blue one')
      await answer.getByTestId('lineage-reply-send').click()
      await page.waitForFunction((n) => window.__NANOFORGE_MOCK__.jobs.length > n, jobs, { timeout: 5_000 })
      const reply = await mock(page, () => window.__NANOFORGE_MOCK__.jobs.at(-1))
      assert.deepEqual([reply.purpose, reply.prompt], ['reply', 'The blue one'])
      await byId('viewer-close').click()
      await byId('viewer').waitFor({ state: 'detached' })
    })

    await check(`${label}: a History row opens into the tree of its image`, async () => {
      await byId('nav-history').click()
      const row = page.getByTestId('history-row').filter({ hasText: 'Make it night, keep the lighthouse' }).first()
      await row.locator('button.prompt').click()
      const id = await row.getAttribute('data-id')
      const tree = page.locator(`[data-testid="history-tree-row"][data-id="${id}"] [data-testid="lineage-tree"][data-loaded="true"]`)
      await tree.waitFor({ timeout: 5_000 })
      assert.ok(await tree.getByTestId('lineage-node').count() >= 4)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      await tree.screenshot({ path: `${shots}/editing-history-tree-${label}.png` })
      await tree.locator(`[data-testid="lineage-node"][data-image="${first}"] button.node`).click()
      await page.locator(`[data-testid="viewer"][data-id="${first}"]`).waitFor({ timeout: 5_000 })
    })

    await check(`${label}: a gallery image dragged onto the Generator's and the editor's inputs goes by id`, async () => {
      await page.goto(page.url().replace(/#.*$/, '#/gallery'))
      const tile = page.getByTestId('gallery-item').nth(1)
      await tile.waitFor({ timeout: 5_000 })
      const id = await tile.getAttribute('data-id')
      assert.equal(await tile.getAttribute('draggable'), 'true')
      // The tile's drag carries its id; the same data is dropped where the inputs are.
      assert.equal(await tile.evaluate((el) => {
        window.__dragged = new DataTransfer()
        el.dispatchEvent(new DragEvent('dragstart', { dataTransfer: window.__dragged, bubbles: true }))
        return window.__dragged.getData('application/x-nanoforge-image-id')
      }), id)
      await byId('nav-generator').click()
      await byId('provider-select').selectOption('gemini')
      await byId('model-select').selectOption('gemini-3.1-flash-image')
      await byId('input-image-drop').evaluate((zone) => zone.dispatchEvent(new DragEvent('drop', { dataTransfer: window.__dragged, bubbles: true, cancelable: true })))
      await page.locator(`[data-testid="input-image"][data-id="${id}"]`).waitFor({ timeout: 5_000 })
      await page.locator(`[data-testid="input-image"][data-id="${id}"] [data-testid="input-image-remove"]`).click()
      await page.goto(page.url().replace(/#.*$/, `#/edit/${first}`))
      await page.locator(`[data-testid="editor"][data-image="${first}"]`).waitFor({ timeout: 10_000 })
      await byId('edit-inputs').evaluate((zone, dragged) => {
        const data = new DataTransfer()
        data.setData('application/x-nanoforge-image-id', dragged)
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
      }, id)
      await page.locator(`[data-testid="edit-input"]`).first().waitFor({ timeout: 5_000 })
      assert.deepEqual(await page.getByTestId('edit-input').evaluateAll((els) => els.map((e) => e.dataset.id)), [id])
    })

    await check(`${label}: a pasted image link is offered as an input image in the editor and the Generator`, async () => {
      const paste = (target, text) => byId(target).evaluate((el, t) => {
        const data = new DataTransfer()
        data.setData('text/plain', t)
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
      }, text)
      const inputs = await page.getByTestId('edit-input').count()
      await paste('edit-instruction', 'https://images.example.com/fox.png')
      await byId('pasted-url-offer').waitFor({ timeout: 5_000 })
      assert.match(await byId('pasted-url-offer').textContent(), /link to an image/)
      await settle(page)
      await byId('pasted-url-offer').scrollIntoViewIfNeeded()
      await fullShot(page, `editing-pasted-url-${label}`)
      await byId('pasted-url-use').click()
      await byId('pasted-url-offer').waitFor({ state: 'detached' })
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="edit-input"]').length === n + 1, inputs, { timeout: 5_000 })
      await byId('nav-generator').click()
      await byId('prompt-input').fill('')
      await paste('prompt-input', 'https://images.example.com/boat.webp')
      await byId('pasted-url-use').click()
      assert.match(await byId('input-image-url').inputValue(), /https:\/\/images\.example\.com\/boat\.webp/)
      // Text around a link is a prompt: nothing is offered.
      await paste('prompt-input', 'a boat like https://images.example.com/boat.webp')
      assert.equal(await byId('pasted-url-offer').count(), 0)
      await byId('input-image-url').fill('')
    })

    await check(`${label}: Recall fills the Generator with the job's local input images too`, async () => {
      await byId('prompt-input').fill('A lantern by the sea, from two photos')
      await page.locator('[data-testid="input-image-remove"]').evaluateAll((els) => els.forEach((e) => e.click()))
      await byId('input-image-add').click()
      await page.locator('[data-testid="input-image"]').nth(1).waitFor({ timeout: 5_000 })
      await byId('generate-button').click()
      await page.waitForFunction(() => window.__NANOFORGE_MOCK__.jobs.some((j) => j.prompt === 'A lantern by the sea, from two photos' && j.imageId), null, { timeout: 10_000 })
      const job = await mock(page, () => window.__NANOFORGE_MOCK__.jobs.find((j) => j.prompt === 'A lantern by the sea, from two photos'))
      assert.equal(job.inputImageIds.length, 2)
      // The form keeps what was typed; start from nothing to see Recall fill it.
      await page.locator('[data-testid="input-image-remove"]').evaluateAll((els) => els.forEach((e) => e.click()))
      await byId('prompt-input').fill('')
      await page.goto(page.url().replace(/#.*$/, `#/gallery?image=${job.imageId}`))
      await byId('viewer-recall').click()
      await page.waitForURL(/#\/generator/)
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="input-image"]').length === n, 2, { timeout: 5_000 })
      assert.deepEqual(await page.getByTestId('input-image').evaluateAll((els) => els.map((e) => e.dataset.id)), job.inputImageIds)
      assert.equal(await byId('prompt-input').inputValue(), 'A lantern by the sea, from two photos')
      await page.locator('[data-testid="input-image-remove"]').evaluateAll((els) => els.forEach((e) => e.click()))
      await byId('prompt-input').fill('')
    })

    await check(`${label}: a reference chip picked in the Generator (or @name) goes first as the job's input`, async () => {
      const PROMPT = 'A lantern beside @boat, with Mira'
      await byId('prompt-input').fill(PROMPT)
      await page.locator('[data-testid="reference-chip"][data-name="Boat"]').waitFor({ timeout: 5_000 })
      await byId('reference-picker').selectOption('Mira')
      await page.locator('[data-testid="reference-chip"][data-name="Mira"]').waitFor()
      await byId('input-image-add').click()
      await page.locator('[data-testid="input-image"]').nth(1).waitFor({ timeout: 5_000 })
      const inputs = await page.getByTestId('input-image').evaluateAll((els) => els.map((e) => e.dataset.id))
      assert.equal(await page.getByTestId('reference-chip').count(), 2)
      assert.equal((await byId('input-image-count').textContent()).trim(), `${2 + inputs.length} / 14`,
        `references count against the model's inputs (${inputs.join(', ')}; links: ${await byId('input-image-url').inputValue()})`)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      await shot(page, `generator-reference-chips-${label}`)
      // The chips as a person sees them (a full-page shot puts the phone's fixed nav over the middle of the form).
      await byId('generator-references').evaluate((el) => el.scrollIntoView({ block: 'center' }))
      await settle(page)
      await page.screenshot({ path: `${shots}/generator-reference-chips-view-${label}.png` })
      await byId('generate-button').click()
      await page.waitForFunction((p) => window.__NANOFORGE_MOCK__.jobs.some((j) => j.prompt === p && j.imageId), PROMPT, { timeout: 10_000 })
      const job = await mock(page, (p) => window.__NANOFORGE_MOCK__.jobs.find((j) => j.prompt === p), PROMPT)
      const named = await mock(page, () => Object.fromEntries(window.__NANOFORGE_MOCK__.editing.references.map((r) => [r.name, r.imageId])))
      assert.deepEqual(job.inputImageIds, [named.Boat, named.Mira, ...inputs])
      // The job shows them as its inputs, the reference first: Recall brings back its inputs (and no chips).
      await page.locator('[data-testid="input-image-remove"]').evaluateAll((els) => els.forEach((e) => e.click()))
      await byId('prompt-input').fill('')
      await page.goto(page.url().replace(/#.*$/, `#/gallery?image=${job.imageId}`))
      await byId('viewer-recall').click()
      await page.waitForURL(/#\/generator/)
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="input-image"]').length === n, job.inputImageIds.length, { timeout: 5_000 })
      assert.deepEqual(await page.getByTestId('input-image').evaluateAll((els) => els.map((e) => e.dataset.id)), job.inputImageIds)
      assert.equal(await page.getByTestId('reference-chip').count(), 0)
      await page.locator('[data-testid="input-image-remove"]').evaluateAll((els) => els.forEach((e) => e.click()))
      await byId('prompt-input').fill('')
      // A name that is no reference (any more) is the core's not_found, and nothing is recorded.
      await byId('prompt-input').fill('A lantern beside @Mira')
      await page.locator('[data-testid="reference-chip"][data-name="Mira"]').waitFor({ timeout: 5_000 })
      const jobs = await mock(page, () => window.__NANOFORGE_MOCK__.jobs.length)
      // Another process removes it: the chip says so, and the core refuses the name.
      await mock(page, () => {
        const ed = window.__NANOFORGE_MOCK__.editing
        ed.references = ed.references.filter((r) => r.name !== 'Mira')
        window.__NANOFORGE_LIBRARY_CHANGED__({ references: true })
      })
      await page.locator('[data-testid="reference-chip"][data-name="Mira"].unknown').waitFor({ timeout: 5_000 })
      await byId('generate-button').click()
      await byId('submit-error').waitFor({ timeout: 5_000 })
      assert.equal(await byId('submit-error').getAttribute('data-kind'), 'not_found')
      assert.equal(await mock(page, () => window.__NANOFORGE_MOCK__.jobs.length), jobs)
      await page.getByTestId('reference-chip').locator('button').click()
      await byId('prompt-input').fill('')
    })

    await check(`${label}: References adds one from a file and replaces another's image`, async () => {
      await byId('nav-references').click()
      await byId('references-add-file').click()
      await byId('use-reference-name').fill('Pond')
      await byId('use-reference-save').click()
      await byId('use-reference-dialog').waitFor({ state: 'detached' })
      const pond = page.locator('[data-testid="reference-card"][data-name="Pond"]')
      await pond.waitFor({ timeout: 5_000 })
      const boatBefore = await mock(page, () => window.__NANOFORGE_MOCK__.editing.references.find((r) => r.name === 'Boat').imageId)
      await page.locator('[data-testid="reference-card"][data-name="Boat"]').getByTestId('reference-replace').click()
      await page.waitForFunction((b) => window.__NANOFORGE_MOCK__.editing.references.find((r) => r.name === 'Boat').imageId !== b, boatBefore, { timeout: 5_000 })
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      await shot(page, `editing-references-added-${label}`)
    })

    if (label === 'desktop') {
      await check('desktop: a gallery tile offers Edit this on hover', async () => {
        await byId('nav-gallery').click()
        const tile = page.getByTestId('gallery-item').nth(2)
        await tile.hover()
        const id = await tile.getAttribute('data-id')
        await page.locator(`[data-testid="gallery-item"][data-id="${id}"] ~ [data-testid="gallery-item-edit"]`).click()
        await page.waitForURL(new RegExp(`#/edit/${id}$`))
      })
    }

    await check(`${label}: no console errors`, async () => assert.deepEqual(page.errors, []))
    await page.close()
  }
}
