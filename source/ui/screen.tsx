// The whole screen for one UI state: header, summary, tabs, the tab's rows (or help), footer.
import React from 'react';
import { Box, Text } from 'ink';
import { clip, type Line } from '../format/lines.js';
import { ALL_FEATURES, entry } from '../features/index.js';
import { headerLine, summaryLines } from '../output/frame.js';
import { footerLine, helpLines, tabsLine } from './bars.js';
import { drillLines } from './drill.js';
import { sortKey, type UiState } from './state.js';

export interface ScreenProps {
	readonly state: UiState;
	readonly width: number;
	readonly height: number;
	/** False under NO_COLOR: bold, dim and inverse stay, colours go. */
	readonly color: boolean;
	readonly unicode: boolean;
	/** Inode of nettop's own network namespace: its interfaces show no NETNS. */
	readonly currentNetns: number;
}

/** Lines around the body: header, summary, tabs, footer. */
export const CHROME_LINES = 4;

function bodyLines(props: ScreenProps, height: number): Line[] {
	const { state, width, currentNetns, unicode } = props;
	const seconds = state.sample?.interval ?? 1;
	if (state.drill) return drillLines(state.sample, state.drill.owner, { width, height, seconds, cursor: state.drill.cursor });
	const f = ALL_FEATURES.find((x) => x.key === state.tab)!;
	const view = state.sample && entry(state.sample, f.key);
	return f.tab.lines(view, { state: entry(state.tabs, f.key), sort: sortKey(state), seconds, height, width, currentNetns, unicode, cursor: state.cursor[state.tab] });
}

function RowText({ line, width, color }: RowProps) {
	const segments = clip(line, width);
	return (
		<Text wrap="truncate">
			{segments.length === 0
				? ' '
				: segments.map((s, i) => (
						<Text key={i} bold={s.bold} dimColor={s.dim} inverse={s.inverse} color={color ? s.color : undefined}>
							{s.text}
						</Text>
					))}
		</Text>
	);
}

interface RowProps {
	line: Line;
	width: number;
	color: boolean;
}

const sameSegments = (a: Line, b: Line) =>
	a.length === b.length && a.every((s, i) => s.text === b[i]!.text && s.bold === b[i]!.bold && s.dim === b[i]!.dim && s.inverse === b[i]!.inverse && s.color === b[i]!.color);

/** A line is rebuilt every refresh; React redoes its row only when what it shows changed. */
const Row = React.memo(RowText, (a: RowProps, b: RowProps) => a.width === b.width && a.color === b.color && sameSegments(a.line, b.line));

export function Screen(props: ScreenProps) {
	const { state, width, color } = props;
	// A screen too narrow for the summary's figures on one line gives it a second: a figure is never cut.
	const summary = summaryLines(state.sample, width);
	const height = Math.max(1, props.height - CHROME_LINES - (summary.length - 1));
	const body = (state.help ? helpLines(width, height, state.sample?.cost, state.helpPage) : bodyLines(props, height)).slice(0, height);
	return (
		<Box flexDirection="column" width={width}>
			<Row line={headerLine({ time: state.time, intervalMs: state.intervalMs, paused: state.paused, filter: state.filter, lost: state.sample?.lost ?? {}, absentPids: state.sample?.absentPids }, width)} width={width} color={color} />
			{summary.map((l, i) => (
				<Row key={`summary${i}`} line={l} width={width} color={color} />
			))}
			<Row line={tabsLine(state, width)} width={width} color={color} />
			<Box flexDirection="column" height={height}>
				{body.map((l, i) => (
					<Row key={i} line={l} width={width} color={color} />
				))}
			</Box>
			<Row line={footerLine(state)} width={width} color={color} />
		</Box>
	);
}
